import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES } from '../messages';
import { toText, utf8LengthUpTo } from './input';
import { decodeRequest } from './request';

const enc = new TextEncoder();

// Property runs: a few seconds alone, up to 16 s measured while `pnpm test` loads both cores; PROPERTY_TIMEOUT_MS is
// that budget, not a speed bar (speed is in `pnpm bench`).
const PROPERTY_TIMEOUT_MS = 60_000;

describe('input limits and UTF-8', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  it('utf8LengthUpTo equals the encoded length (or limit + 1 beyond the limit)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.nat(800), (s, limit) => {
        const real = enc.encode(s).length;
        return utf8LengthUpTo(s, limit) === (real > limit ? limit + 1 : real);
      }),
    );
  });

  it('refuses a frame one byte over the limit, as bytes and as text, with too_large', () => {
    const pad = (n: number) => `{"id":1,"op":"ping","x":"${'a'.repeat(n - 27)}"}`;
    const exact = pad(MAX_FRAME_BYTES);
    expect(exact.length).toBe(MAX_FRAME_BYTES);
    expect(decodeRequest(exact).ok).toBe(true);
    expect(decodeRequest(enc.encode(exact)).ok).toBe(true);
    const over = pad(MAX_FRAME_BYTES + 1);
    expect(decodeRequest(over)).toMatchObject({
      ok: false,
      error: { code: 'too_large', path: '', id: null },
    });
    expect(decodeRequest(enc.encode(over))).toMatchObject({ ok: false, error: { code: 'too_large' } });
  });

  it('counts multi-byte characters against the limit', () => {
    // 6000 'é' are 6000 UTF-16 units but 12000 bytes.
    const text = `{"id":1,"op":"ping","x":"${'é'.repeat(6000)}"}`;
    expect(decodeRequest(text, { maxBytes: 10_000 })).toMatchObject({
      ok: false,
      error: { code: 'too_large' },
    });
    expect(decodeRequest(text, { maxBytes: 12_100 }).ok).toBe(true);
  });

  it('honours a custom maxBytes', () => {
    expect(decodeRequest('{"id":1,"op":"ping"}', { maxBytes: 10 })).toMatchObject({
      ok: false,
      error: { code: 'too_large' },
    });
  });

  it('rejects invalid UTF-8 and a BOM with bad_json', () => {
    expect(toText(new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]))).toMatchObject({
      ok: false,
      error: { code: 'bad_json' },
    });
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode('{"id":1,"op":"ping"}')]);
    expect(decodeRequest(bom)).toMatchObject({ ok: false, error: { code: 'bad_json' } });
  });

  it('decodes valid UTF-8 bytes', () => {
    expect(decodeRequest(enc.encode('{"id":2,"op":"auth","token":"ключ"}'))).toEqual({
      ok: true,
      value: { id: 2, op: 'auth', token: 'ключ' },
    });
  });
});
