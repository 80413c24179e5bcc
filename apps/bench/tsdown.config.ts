import { defineConfig } from 'tsdown';

// main: the `pnpm bench` entry; fleet-worker: the sim child process the fleet scenario forks.
export default defineConfig({
  entry: ['src/index.ts', 'src/main.ts', 'src/fleet-worker.ts'],
  format: 'esm',
  dts: true,
  platform: 'node',
  clean: true,
});
