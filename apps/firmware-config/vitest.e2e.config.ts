// Browser end-to-end tests (playwright-core + Debian chromium) against the built web app; `pnpm e2e`.
import { defineTaskConfig } from '../../vitest.shared.ts';

export default defineTaskConfig(['src/**/*.e2e.test.ts'], {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  fileParallelism: false,
});
