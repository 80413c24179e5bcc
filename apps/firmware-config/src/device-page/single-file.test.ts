import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesOfHeader, bytesOfSimModule, cHeader, gzipPage, simModule } from './embed';
import { DevicePageError, inlinePage } from './single-file';

const built =
  '<html><head><script type="module" crossorigin src="/assets/p-1.js"></script>\n' +
  '<link rel="modulepreload" href="/assets/x.js">\n' +
  '<link rel="stylesheet" crossorigin href="/assets/p-2.css"></head><body></body></html>';

describe('inlinePage', () => {
  it('puts the one script and the stylesheet inline', () => {
    const out = inlinePage(built, [
      { fileName: 'assets/p-1.js', text: 'const s = "</script>";' },
      { fileName: 'assets/p-2.css', text: 'body{color:red}' },
    ]);
    expect(out).toContain('<script type="module">const s = "<\\/script>";</script>');
    expect(out).toContain('<style>body{color:red}</style>');
    expect(out).not.toContain('src=');
    expect(out).not.toContain('modulepreload');
  });
  it('refuses a build with several scripts or a missing asset, with a code', () => {
    const two = built.replace('</head>', '<script type="module" src="/assets/b.js"></script></head>');
    expect(() => inlinePage(two, [])).toThrowError(expect.objectContaining({ code: 'not_single_chunk' }));
    expect(() => inlinePage(built, [])).toThrowError(DevicePageError);
    expect(() => inlinePage(built, [])).toThrowError(expect.objectContaining({ code: 'asset_missing' }));
  });
});

describe('embedding', () => {
  const html = '<!doctype html><p>LED</p>'.repeat(50);
  const gz = gzipPage(html);
  it('the C header round-trips the gzip bytes and states its length', () => {
    const h = cHeader(html, gz);
    expect(Buffer.compare(bytesOfHeader(h), gz)).toBe(0);
    expect(h).toContain(`ESPHIL_WEB_PAGE_GZ_LEN = ${gz.length};`);
    expect(gunzipSync(bytesOfHeader(h)).toString()).toBe(html);
  });
  it('the sim module round-trips the same bytes in lines biome accepts', () => {
    const m = simModule(html, gz);
    expect(Buffer.compare(bytesOfSimModule(m), gz)).toBe(0);
    for (const line of m.split('\n')) expect(line.length).toBeLessThanOrEqual(110);
  });
});
