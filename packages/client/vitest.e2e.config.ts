// Browser end-to-end task (`pnpm e2e`): the built dist/browser.js in real Chromium against loopback devices.
import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['src/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
