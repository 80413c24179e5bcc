import { defineConfig } from 'tsdown';

// main: the `pnpm bench` entry; fleet-worker / rtt-device-worker: the device child processes the fleet and
// round-trip scenarios fork.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    main: 'src/main.ts',
    'fleet-worker': 'src/fleet-worker.ts',
    'rtt-device-worker': 'src/rtt-device-worker.ts',
    'cpu-probe': 'src/hil/cpu-probe.ts',
  },
  format: 'esm',
  dts: true,
  platform: 'node',
  clean: true,
});
