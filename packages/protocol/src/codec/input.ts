// Untrusted input -> a JSON object, or a DecodeError. Size is checked before any decoding or parsing so a huge
// frame costs O(1) (bytes) or one bounded scan (strings).
import { MAX_FRAME_BYTES } from '../messages';
import { describe, isObject, type Obj } from './checks';
import { fail, ok } from './result';
import type { DecodeOptions, DecodeResult } from './types';

// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a BOM stays in the text so JSON.parse rejects it,
// as a device-side parser would.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 length of `s`, or `limit + 1` as soon as it is known to exceed `limit`. Lone surrogates count 3 (as U+FFFD). */
export function utf8LengthUpTo(s: string, limit: number): number {
  // Every UTF-16 unit encodes to 1..3 bytes, so the common cases need no early exit.
  if (s.length > limit) return limit + 1;
  return countUtf8(s, s.length * 3 <= limit ? Number.POSITIVE_INFINITY : limit);
}

function countUtf8(s: string, limit: number): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
    if (n > limit) return limit + 1;
  }
  return n;
}

function maxBytesOf(opts: DecodeOptions | undefined): number {
  const m = opts?.maxBytes;
  return typeof m === 'number' && m >= 0 ? m : MAX_FRAME_BYTES;
}

/** Size check and UTF-8 decoding. */
export function toText(input: string | Uint8Array, opts?: DecodeOptions): DecodeResult<string> {
  const limit = maxBytesOf(opts);
  if (typeof input === 'string') {
    // Fast path: a typical message is far below the limit even at 3 bytes per unit.
    if (input.length * 3 > limit) {
      if (utf8LengthUpTo(input, limit) > limit) return tooLarge(null, limit);
    }
    return ok(input);
  }
  if (!(input instanceof Uint8Array)) {
    return fail('bad_json', '', `expected text or bytes, got ${describe(input)}`, null);
  }
  if (input.byteLength > limit) return tooLarge(input.byteLength, limit);
  try {
    return ok(utf8.decode(input));
  } catch {
    return fail('bad_json', '', 'not valid UTF-8: a frame must be UTF-8 encoded JSON text', null);
  }
}

function tooLarge(bytes: number | null, limit: number): DecodeResult<string> {
  const size = bytes === null ? `more than ${limit}` : String(bytes);
  return fail('too_large', '', `message is ${size} bytes of UTF-8; the limit is ${limit} bytes`, null);
}

/** JSON.parse that reports instead of throwing, and insists on an object at the top. */
export function parseObject(text: string): DecodeResult<Obj> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return fail('bad_json', '', `not JSON (${why.slice(0, 120)})`, null);
  }
  if (!isObject(v)) return fail('bad_json', '', `expected a JSON object, got ${describe(v)}`, null);
  return ok(v);
}

/** Size check, UTF-8 decode and parse: the common front half of every decoder. */
export function readObject(input: string | Uint8Array, opts?: DecodeOptions): DecodeResult<Obj> {
  const text = toText(input, opts);
  if (!text.ok) return text;
  return parseObject(text.value);
}
