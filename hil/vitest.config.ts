import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

// The slow self-tests have their own configs: vitest.matrix.config.ts (fault matrix + wifi soak) and
// vitest.pty.config.ts (socat pseudo-terminals).
// Starting an isolated runner loads the whole runner plus vitest in a worker: ~10 s on an idle 2-core machine,
// several times that while turbo runs every package's tests at once (CI). These bound hangs, not speed.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      exclude: ['src/**/*.matrix.test.ts', 'src/**/*.soak.test.ts'],
      hookTimeout: 120_000,
      testTimeout: 90_000,
    },
  }),
);
