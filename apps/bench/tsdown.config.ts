import { defineConfig } from 'tsdown';

// main: the `pnpm bench` entry; fleet-worker: the sim child process the fleet scenario forks.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    main: 'src/main.ts',
    'fleet-worker': 'src/fleet-worker.ts',
    'cpu-probe': 'src/hil/cpu-probe.ts',
  },
  format: 'esm',
  dts: true,
  platform: 'node',
  clean: true,
});
