// Tests that need socat (real pseudo-terminals): `pnpm pty`. They fail, not skip, when socat is missing.
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
