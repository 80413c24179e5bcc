// Tests that need real pseudo-terminals from socat (`pnpm pty`); the default config excludes them.
import { defineTaskConfig } from '../../vitest.shared.ts';

export default defineTaskConfig(['src/**/*.pty.test.ts']);
