// Browser end-to-end task (`pnpm e2e`): the packed packages in a Vite app, built and loaded in real Chromium.
import { defineTaskConfig } from '../../vitest.shared.ts';

// Packing, installing (once per file) and building on 2 shared cores takes a while; each test is quick.
export default defineTaskConfig(['src/**/*.e2e.test.ts'], { testTimeout: 30_000, hookTimeout: 150_000 });
