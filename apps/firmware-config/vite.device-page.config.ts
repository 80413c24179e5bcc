/**
 * The page the device serves on port 80: the web UI's Live view (src/device-page) built into one inline HTML
 * file and embedded, gzip, in the firmware (apps/firmware/src/generated/web_page.h) and the simulated board
 * (packages/sim/src/http/device-page-bytes.ts). Part of `build`; src/device-page/embedded.test.ts checks that
 * the checked-in copies match a fresh build.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { devicePagePlugin } from './src/device-page/vite-plugin.ts';
import { webAliases } from './vite.config.ts';

const here = fileURLToPath(new URL('.', import.meta.url));

export const DEVICE_PAGE_TARGETS = {
  header: fileURLToPath(new URL('../firmware/src/generated/web_page.h', import.meta.url)),
  simModule: fileURLToPath(new URL('../../packages/sim/src/http/device-page-bytes.ts', import.meta.url)),
};

export default defineConfig({
  root: here,
  logLevel: 'warn',
  resolve: { alias: webAliases },
  build: {
    outDir: 'dist/device-page',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    rollupOptions: { input: fileURLToPath(new URL('./device-page.html', import.meta.url)) },
  },
  plugins: [devicePagePlugin(DEVICE_PAGE_TARGETS)],
});
