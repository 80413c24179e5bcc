// Tests run from TypeScript source: every @esphil/* import resolves to the package's src/index.ts,
// so `pnpm test` and `pnpm typecheck` need no prior build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const workspacePackages: Record<string, string> = {
  '@esphil/protocol': 'packages/protocol',
  '@esphil/device-model': 'packages/device-model',
  '@esphil/serial': 'packages/serial',
  '@esphil/client': 'packages/client',
  '@esphil/sim': 'packages/sim',
  '@esphil/hil': 'hil',
};
// Aliases match by prefix, first entry first: the fixtures entry must come before '@esphil/hil'.
const subpathEntries: Record<string, string> = { '@esphil/hil/test': 'hil/src/test.ts' };

export const sourceAliases: Record<string, string> = Object.fromEntries([
  ...Object.entries(subpathEntries).map(([name, file]) => [name, `${root}${file}`]),
  ...Object.entries(workspacePackages).map(([name, dir]) => [name, `${root}${dir}/src/index.ts`]),
]);

export default defineConfig({
  resolve: { alias: sourceAliases },
  test: {
    include: ['src/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      '**/dist/**',
      'src/**/*.pty.test.ts',
      'src/**/*.e2e.test.ts',
      'src/**/*.differential.test.ts',
    ],
    testTimeout: 20_000,
    pool: 'forks',
  },
});

/**
 * A task of its own (pty, e2e, matrix): the same source resolution, only `include`d files (the default config
 * excludes them), and the task's own limits.
 */
export function defineTaskConfig(
  include: string[],
  limits: { testTimeout?: number; hookTimeout?: number; fileParallelism?: boolean } = {},
) {
  return defineConfig({
    resolve: { alias: sourceAliases },
    test: {
      include,
      exclude: ['**/node_modules/**', '**/dist/**'],
      pool: 'forks',
      testTimeout: 20_000,
      ...limits,
    },
  });
}
