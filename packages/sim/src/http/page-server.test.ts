import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimBench, startSimBench } from '../bench';
import { DEVICE_PAGE_GZ, PAGE_DEFAULT_WS_PORT, startPageServer } from './page-server';

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Raw HTTP (no automatic inflate), so the test sees the bytes the board sends. */
function get(url: string, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

let bench: SimBench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

describe('the simulated board serves its page', () => {
  it('sends the firmware page bytes gzip, after pointing the page at its WebSocket port', async () => {
    bench = await startSimBench({ latency: 'zero' });
    const first = await get(bench.pageUrl!);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(`/?ws=${bench.dut.port}`);
    const page = await get(new URL(String(first.headers.location), bench.pageUrl!).href);
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Buffer.compare(page.body, DEVICE_PAGE_GZ)).toBe(0);
    const html = gunzipSync(page.body).toString('utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<script type="module">');
  });

  it('answers 404 elsewhere, 405 to other methods, headers only to HEAD', async () => {
    bench = await startSimBench({ latency: 'zero' });
    const base = bench.pageUrl!;
    expect((await get(new URL('/favicon.ico', base).href)).status).toBe(404);
    const ws = `?ws=${bench.dut.port}`;
    expect((await get(new URL(`/${ws}`, base).href, 'POST')).status).toBe(405);
    const head = await get(new URL(`/${ws}`, base).href, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('drops connections while the board is held in reset, like a board without a running app', async () => {
    bench = await startSimBench({ latency: 'zero' });
    bench.dut.setControlLines({ dtr: false, rts: true });
    expect(bench.dut.phase).toBe('reset');
    await expect(get(bench.pageUrl!)).rejects.toThrow();
    bench.dut.setControlLines({ dtr: false, rts: false });
    await bench.dut.waitForPhase('running');
    expect((await get(bench.pageUrl!)).status).toBe(302);
  });

  it('serves without a redirect when the WebSocket is on the tutorial port 81', async () => {
    const server = await startPageServer({
      host: '127.0.0.1',
      port: 0,
      wsPort: () => PAGE_DEFAULT_WS_PORT,
      accepting: () => true,
    });
    try {
      const page = await get(server.url);
      expect(page.status).toBe(200);
      expect(Buffer.compare(page.body, DEVICE_PAGE_GZ)).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('has no HTTP side with httpPort: null', async () => {
    bench = await startSimBench({ latency: 'zero', httpPort: null });
    expect(bench.pageUrl).toBeNull();
  });
});
