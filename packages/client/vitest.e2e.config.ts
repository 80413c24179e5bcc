// Browser end-to-end task (`pnpm e2e`): the built dist/browser.js in real Chromium against loopback devices.
import { defineTaskConfig } from '../../vitest.shared.ts';

export default defineTaskConfig(['src/**/*.e2e.test.ts'], { testTimeout: 30_000, hookTimeout: 60_000 });
