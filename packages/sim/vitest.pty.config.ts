// Tests that need socat (real pseudo-terminals): `pnpm pty`. They fail, not skip, when socat is missing.
import { defineTaskConfig } from '../../vitest.shared.ts';

export default defineTaskConfig(['src/**/*.pty.test.ts']);
