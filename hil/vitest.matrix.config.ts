// The slow self-tests: the fault-detection matrix (every sim fault, ~1 min) and the wifi-latency soak (20 clean runs).
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      include: ['src/**/*.matrix.test.ts', 'src/**/*.soak.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**'],
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  }),
);
