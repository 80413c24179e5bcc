// The checked-in embedded page (firmware header, sim module) is what a fresh build of the device page makes:
// change the web UI without rebuilding and this fails. Builds in memory (write: false): no file is touched.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';
import { describe, expect, it } from 'vitest';
import { DEVICE_PAGE_TARGETS } from '../../vite.device-page.config';
import { bytesOfHeader, bytesOfSimModule } from './embed';
import { DEVICE_PAGE_FILE } from './vite-plugin';

const configFile = fileURLToPath(new URL('../../vite.device-page.config.ts', import.meta.url));

async function freshPage(): Promise<string> {
  const out = (await build({
    configFile,
    build: { write: false },
    logLevel: 'silent',
  })) as Rollup.RollupOutput;
  const page = out.output.find((o) => o.fileName === DEVICE_PAGE_FILE);
  if (page?.type !== 'asset') throw new Error('the device-page build emitted no index.html');
  return String(page.source);
}

describe('embedded device page', () => {
  it('the firmware header and the sim module carry the same gzip of a fresh build', async () => {
    const html = await freshPage();
    expect(html).toContain('<script type="module">');
    expect(html).not.toMatch(/<script[^>]*\bsrc=/);
    const header = bytesOfHeader(readFileSync(DEVICE_PAGE_TARGETS.header, 'utf8'));
    const sim = bytesOfSimModule(readFileSync(DEVICE_PAGE_TARGETS.simModule, 'utf8'));
    expect(Buffer.compare(header, sim), 'header and sim module differ: rebuild firmware-config').toBe(0);
    expect(
      gunzipSync(header).toString('utf8') === html,
      'the embedded page is stale: run pnpm --filter @esphil/firmware-config build and commit the result',
    ).toBe(true);
    const len = /ESPHIL_WEB_PAGE_GZ_LEN = (\d+);/.exec(readFileSync(DEVICE_PAGE_TARGETS.header, 'utf8'))?.[1];
    expect(Number(len)).toBe(header.length);
  }, 120_000);
});
