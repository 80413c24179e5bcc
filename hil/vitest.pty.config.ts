// Tests that need socat (pseudo-terminals): the pty bench variant with the native serialport binding.
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

const INCLUDE = ['src/**/*.pty.test.ts'];

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
