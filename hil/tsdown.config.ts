import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsdown';

// johnny-five and firmata-io ship no types; the public types (the `probe` fixture's Board) refer to them, so the
// package carries the same minimal typings the workspace compiles with and its entry .d.ts files reference them.
const VENDOR_TYPES = '../packages/sim/src/probe/vendor.d.ts';

function shipVendorTypes(): void {
  copyFileSync(VENDOR_TYPES, 'dist/vendor.d.ts');
  for (const entry of ['dist/index.d.ts', 'dist/test.d.ts']) {
    const text = readFileSync(entry, 'utf8');
    if (!text.includes('vendor.d.ts'))
      writeFileSync(entry, `/// <reference path="./vendor.d.ts" />\n${text}`);
  }
}

export default defineConfig({
  entry: ['src/index.ts', 'src/test.ts', 'src/cli.ts'],
  format: 'esm',
  dts: true,
  platform: 'node',
  fixedExtension: false,
  clean: true,
  onSuccess: shipVendorTypes,
});
