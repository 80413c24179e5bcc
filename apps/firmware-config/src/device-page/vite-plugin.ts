/**
 * Vite plugin of the device-page build: the bundle becomes one inline HTML file (`index.html`, plus its gzip),
 * and a written build regenerates the firmware header and the sim module from it. A build with
 * `write: false` (the freshness test) only computes the page and touches nothing in the repository.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Plugin } from 'vite';
import { cHeader, gzipPage, simModule } from './embed.ts';
import { type BuiltAsset, DevicePageError, inlinePage } from './single-file.ts';

export const DEVICE_PAGE_FILE = 'index.html';

export interface EmbedTargets {
  /** C header for the firmware. */
  header: string;
  /** TypeScript module for the sim. */
  simModule: string;
}

export function devicePagePlugin(targets: EmbedTargets): Plugin {
  let html: string | null = null;
  return {
    name: 'esphil-device-page',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const entries = Object.values(bundle);
      const page = entries.find((e) => e.type === 'asset' && e.fileName.endsWith('.html'));
      if (page?.type !== 'asset') throw new DevicePageError('no_html', 'the build emitted no HTML page');
      const assets: BuiltAsset[] = entries.map((e) =>
        e.type === 'chunk'
          ? { fileName: e.fileName, text: e.code }
          : { fileName: e.fileName, text: typeof e.source === 'string' ? e.source : '' },
      );
      html = inlinePage(String(page.source), assets);
      for (const name of Object.keys(bundle)) delete bundle[name];
      this.emitFile({ type: 'asset', fileName: DEVICE_PAGE_FILE, source: html });
      this.emitFile({ type: 'asset', fileName: `${DEVICE_PAGE_FILE}.gz`, source: gzipPage(html) });
    },
    writeBundle() {
      if (html === null) return;
      const gz = gzipPage(html);
      for (const [file, text] of [
        [targets.header, cHeader(html, gz)],
        [targets.simModule, simModule(html, gz)],
      ] as const) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
    },
  };
}
