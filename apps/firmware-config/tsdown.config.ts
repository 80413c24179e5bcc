import { defineConfig } from 'tsdown';

export default defineConfig({
  // index: the Node API (commands, generators); cli: the `firmware-config` bin. The web app is built by vite.
  entry: ['src/index.ts', 'src/cli.ts'],
  format: 'esm',
  dts: true,
  platform: 'node',
  fixedExtension: false,
  // dist/web is vite's: tsdown runs first in `build`, so cleaning here is safe.
  clean: true,
});
