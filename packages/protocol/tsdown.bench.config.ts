// Bundles the codec benchmark for `pnpm bench` (see src/bench/main.ts).
import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: { codec: 'src/bench/main.ts' },
  format: 'esm',
  dts: false,
  platform: 'node',
  outDir: 'node_modules/.cache/esphil-bench',
  clean: true,
});
