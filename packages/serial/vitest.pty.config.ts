// Tests that need real pseudo-terminals from socat (`pnpm pty`); the default config excludes them.
import { defineConfig } from 'vitest/config';
import { sourceAliases } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['src/**/*.pty.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
