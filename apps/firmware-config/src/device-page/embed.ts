/**
 * The device page as the firmware and the simulated board carry it: gzip bytes in a C header
 * (apps/firmware/src/generated/web_page.h) and the same bytes, base64, in a TypeScript module of the sim
 * (packages/sim/src/http/device-page-bytes.ts). Both say where they come from; neither is edited by hand.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Bytes per line in the header, base64 characters per line in the module (fits biome's 110 columns). */
const HEADER_BYTES_PER_LINE = 16;
const MODULE_CHARS_PER_LINE = 96;

const REGENERATE = 'pnpm --filter @esphil/firmware-config build (vite.device-page.config.ts)';

export function gzipPage(html: string): Buffer {
  return gzipSync(Buffer.from(html, 'utf8'), { level: 9 });
}

function describe(html: string, gz: Uint8Array): string {
  const sha = createHash('sha256').update(html, 'utf8').digest('hex');
  return `${gz.length} bytes gzip of ${Buffer.byteLength(html, 'utf8')} bytes of HTML\n// HTML sha256 ${sha}`;
}

export function cHeader(html: string, gz: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < gz.length; i += HEADER_BYTES_PER_LINE) {
    const row = [...gz.subarray(i, i + HEADER_BYTES_PER_LINE)].map(
      (b) => `0x${b.toString(16).padStart(2, '0')}`,
    );
    lines.push(`    ${row.join(', ')},`);
  }
  return [
    '// GENERATED: the page the device serves on port 80 (the web UI Live view), gzip. Do not edit.',
    `// Regenerate: ${REGENERATE}.`,
    `// ${describe(html, gz)}`,
    '#pragma once',
    '#include <pgmspace.h>',
    '#include <stddef.h>',
    '#include <stdint.h>',
    '',
    `static const size_t ESPHIL_WEB_PAGE_GZ_LEN = ${gz.length};`,
    'static const uint8_t ESPHIL_WEB_PAGE_GZ[] PROGMEM = {',
    ...lines,
    '};',
    '',
  ].join('\n');
}

export function simModule(html: string, gz: Uint8Array): string {
  const b64 = Buffer.from(gz).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += MODULE_CHARS_PER_LINE) {
    lines.push(`  '${b64.slice(i, i + MODULE_CHARS_PER_LINE)}',`);
  }
  return [
    '// GENERATED: the page the device serves on port 80 (the web UI Live view), gzip, base64. Do not edit.',
    `// Regenerate: ${REGENERATE}.`,
    `// ${describe(html, gz)}.`,
    '// The firmware embeds the same bytes: apps/firmware/src/generated/web_page.h.',
    'export const DEVICE_PAGE_GZ_BASE64: string = [',
    ...lines,
    "].join('');",
    '',
  ].join('\n');
}

/** The gzip bytes back out of a generated C header (what the firmware will serve). */
export function bytesOfHeader(header: string): Buffer {
  const body = /ESPHIL_WEB_PAGE_GZ\[\] PROGMEM = \{([^}]*)\}/.exec(header)?.[1];
  if (body === undefined) throw new Error('no ESPHIL_WEB_PAGE_GZ array in the header');
  return Buffer.from([...body.matchAll(/0x([0-9a-f]{2})/g)].map((m) => Number.parseInt(m[1]!, 16)));
}

/** The gzip bytes back out of the generated sim module. */
export function bytesOfSimModule(source: string): Buffer {
  const b64 = [...source.matchAll(/^ {2}'([A-Za-z0-9+/=]+)',$/gm)].map((m) => m[1]).join('');
  return Buffer.from(b64, 'base64');
}
