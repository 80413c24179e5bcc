// The slow self-tests: the fault-detection matrix (every sim fault, ~1 min) and the wifi-latency soak (20 clean runs).
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

const INCLUDE = ['src/**/*.matrix.test.ts', 'src/**/*.soak.test.ts'];

const config = mergeConfig(
  shared,
  defineConfig({
    test: {
      include: INCLUDE,
      exclude: ['**/node_modules/**', '**/dist/**'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  }),
);
// mergeConfig concatenates arrays: replace the shared include instead of adding to it.
config.test = { ...config.test, include: INCLUDE, exclude: ['**/node_modules/**', '**/dist/**'] };
export default config;
