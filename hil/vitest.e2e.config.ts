// Browser task (`pnpm e2e`, needs Debian's chromium or ESPHIL_CHROMIUM): the nightly history page in real Chromium.
import { defineTaskConfig } from '../vitest.shared.ts';

export default defineTaskConfig(['src/**/*.e2e.test.ts'], { testTimeout: 60_000, hookTimeout: 60_000 });
