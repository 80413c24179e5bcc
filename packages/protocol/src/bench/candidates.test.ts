// The benchmark is only fair if every candidate does the same job: each must give the vectors' expected result
// (ok, or the same error code, path and id) on every request and device-message vector.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeDeviceMessage, decodeRequest } from '../codec';
import type { DecodeResult } from '../codec/types';
import { valibotDecodeDeviceMessage, valibotDecodeRequest } from './candidates/valibot';
import { zodDecodeDeviceMessage, zodDecodeRequest } from './candidates/zod';

interface Vector {
  name: string;
  input?: string;
  inputFill?: { prefix: string; fill: string; suffix: string; bytes: number };
  inputHex?: string;
  maxBytes?: number;
  expect: { ok: boolean; code?: string; path?: string; id?: number | null };
}
const load = (file: string): Vector[] =>
  (
    JSON.parse(readFileSync(fileURLToPath(new URL(`../../vectors/${file}`, import.meta.url)), 'utf8')) as {
      vectors: Vector[];
    }
  ).vectors;

type Decoder = (input: string | Uint8Array, opts?: { maxBytes?: number }) => DecodeResult<unknown>;
const candidates: Record<string, { request: Decoder; device: Decoder }> = {
  'hand-written': { request: decodeRequest, device: decodeDeviceMessage },
  valibot: { request: valibotDecodeRequest, device: valibotDecodeDeviceMessage },
  zod: { request: zodDecodeRequest, device: zodDecodeDeviceMessage },
};

function inputOf(v: Vector): string | Uint8Array {
  if (v.input !== undefined) return v.input;
  if (v.inputHex !== undefined)
    return Uint8Array.from(v.inputHex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  const f = v.inputFill!;
  return f.prefix + f.fill.repeat(f.bytes - f.prefix.length - f.suffix.length) + f.suffix;
}

function summary(r: DecodeResult<unknown>) {
  return r.ok ? { ok: true } : { ok: false, code: r.error.code, path: r.error.path, id: r.error.id };
}

describe('benchmark candidates agree with the conformance vectors', () => {
  for (const [label, c] of Object.entries(candidates)) {
    it(label, () => {
      const mismatches: string[] = [];
      for (const [file, decode] of [
        ['requests.json', c.request],
        ['device-messages.json', c.device],
      ] as const) {
        for (const v of load(file)) {
          const got = summary(
            decode(inputOf(v), v.maxBytes === undefined ? undefined : { maxBytes: v.maxBytes }),
          );
          const want = v.expect.ok
            ? { ok: true }
            : { ok: false, code: v.expect.code, path: v.expect.path, id: v.expect.id };
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            mismatches.push(`${v.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});
