import { defineConfig } from 'tsdown';

export default defineConfig({
  // index: Node (ws); browser: native WebSocket, no ws import.
  entry: ['src/index.ts', 'src/browser.ts'],
  format: 'esm',
  dts: true,
  platform: 'neutral',
  clean: true,
});
