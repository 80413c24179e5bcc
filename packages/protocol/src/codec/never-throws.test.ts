import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, OPS } from '../messages';
import * as arb from '../testing/arbitraries';
import { decodeDeviceMessage } from './device-message';
import { isLegacyText } from './legacy';
import { decodeRequest } from './request';
import { decodeSerialMachineLine } from './serial-line';
import type { DecodeResult } from './types';

const decoders = { decodeRequest, decodeDeviceMessage, decodeSerialMachineLine };

function wellFormed(r: DecodeResult<unknown>): boolean {
  if (r.ok) return typeof r.value === 'object' && r.value !== null;
  const e = r.error;
  return (
    ERROR_CODES.includes(e.code) &&
    typeof e.path === 'string' &&
    typeof e.message === 'string' &&
    e.message.length > 0 &&
    (e.id === null || Number.isInteger(e.id))
  );
}

/** JSON texts that look like protocol messages but carry arbitrary values in every field. */
const messageLike = fc
  .record({
    id: fc.oneof(arb.uint32, fc.jsonValue({ maxDepth: 1 })),
    op: fc.oneof(fc.constantFrom(...OPS), fc.string()),
    t: fc.constantFrom('hello', 'auth_required', 'res', 'evt', 'boot', 'wifi', 'ready', 'x'),
    ev: fc.constantFrom('led', 'pwm', 'button', 'sensor', 'log', 'x'),
    ok: fc.jsonValue({ maxDepth: 1 }),
    extra: fc.dictionary(
      fc.constantFrom(
        'led',
        'on',
        'ch',
        'duty',
        'raw',
        'freq',
        'bits',
        'hz',
        'sensor',
        'level',
        'token',
        'config',
      ),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    caps: fc.jsonValue({ maxDepth: 3 }),
    state: fc.jsonValue({ maxDepth: 3 }),
  })
  .map(({ extra, ...rest }) => JSON.stringify({ ...rest, ...extra }));

// Property runs: a few seconds alone, up to 16 s measured while `pnpm test` loads both cores; PROPERTY_TIMEOUT_MS is
// that budget, not a speed bar (speed is in `pnpm bench`).
const PROPERTY_TIMEOUT_MS = 60_000;

describe('decoders never throw', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  for (const [label, decode] of Object.entries(decoders)) {
    it(`${label}: random strings (all UTF-16 units, lone surrogates included)`, () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => wellFormed(decode(s))),
        { numRuns: 300 },
      );
    });
    it(`${label}: random bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (b) => wellFormed(decode(b))),
        { numRuns: 300 },
      );
    });
    it(`${label}: random JSON values and message-shaped objects`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.json(), messageLike), (s) => wellFormed(decode(s))),
        { numRuns: 400 },
      );
    });
    it(`${label}: values that are neither text nor bytes`, () => {
      for (const v of [null, undefined, 42, {}, [], new ArrayBuffer(4)]) {
        expect(wellFormed(decode(v as unknown as string))).toBe(true);
      }
    });
  }

  it('isLegacyText: random strings and bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.uint8Array()), (x) => {
        const r = isLegacyText(x);
        return r === null || r === 'on' || r === 'off';
      }),
    );
  });

  it('deeply nested input below the size limit is a report, not a crash', () => {
    const deep = `${'['.repeat(7000)}${']'.repeat(7000)}`;
    const r = decodeRequest(deep);
    expect(r).toMatchObject({ ok: false });
    const deepObj = `{"id":1,"op":"config.set","config":${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}}`;
    // PROTOCOL.md 12: deeper than MAX_REQUEST_DEPTH is refused as the device's parser refuses it.
    expect(decodeRequest(deepObj)).toMatchObject({ ok: false, error: { code: 'bad_json', id: null } });
  });
});
