import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

// The slow self-tests have their own configs: vitest.matrix.config.ts (fault matrix + wifi soak) and
// vitest.pty.config.ts (socat pseudo-terminals).
export default mergeConfig(
  shared,
  defineConfig({ test: { exclude: ['src/**/*.matrix.test.ts', 'src/**/*.soak.test.ts'] } }),
);
