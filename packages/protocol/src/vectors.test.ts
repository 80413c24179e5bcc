// Runs every conformance vector in ../vectors/*.json (format: ../vectors/README.md) against the codec.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type DecodeResult,
  decodeDeviceMessage,
  decodeRequest,
  decodeSerialMachineLine,
  hasEsphilMarker,
  isLegacyText,
  startsJsonObject,
} from './codec';
import { EVENT_KINDS } from './codec/event';
import { ERROR_CODES, OPS } from './messages';

type Expect =
  | { ok: true; value: unknown }
  | { ok: false; code: string; path: string; id: number | null }
  | { legacy: 'on' | 'off' | null }
  | { esphil: boolean }
  | { switches: boolean };

interface Vector {
  name: string;
  kind: 'request' | 'device-message' | 'serial-line' | 'legacy' | 'connection-url' | 'legacy-switch';
  input?: string;
  inputHex?: string;
  inputFill?: { prefix: string; fill: string; suffix: string; bytes: number };
  maxBytes?: number;
  expect: Expect;
}

const dir = fileURLToPath(new URL('../vectors/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const all: { file: string; v: Vector }[] = files.flatMap((file) =>
  (JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as { vectors: Vector[] }).vectors.map((v) => ({
    file,
    v,
  })),
);

const enc = new TextEncoder();

/** The vector's input: text where the format gives text, bytes for inputHex. */
function inputOf(v: Vector): string | Uint8Array {
  const given = [v.input, v.inputHex, v.inputFill].filter((x) => x !== undefined).length;
  if (given !== 1) throw new Error(`vector "${v.name}": give exactly one of input, inputHex, inputFill`);
  if (v.input !== undefined) return v.input;
  if (v.inputHex !== undefined) {
    if (!/^(?:[0-9a-f]{2})*$/.test(v.inputHex))
      throw new Error(`vector "${v.name}": inputHex is not lowercase hex`);
    return Uint8Array.from(v.inputHex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  }
  const f = v.inputFill!;
  const n = f.bytes - enc.encode(f.prefix).length - enc.encode(f.suffix).length;
  if (f.fill.length !== 1 || f.fill.charCodeAt(0) > 0x7f || n < 0)
    throw new Error(`vector "${v.name}": bad inputFill`);
  return f.prefix + f.fill.repeat(n) + f.suffix;
}

function decode(v: Vector, input: string | Uint8Array): DecodeResult<unknown> {
  const opts = v.maxBytes === undefined ? undefined : { maxBytes: v.maxBytes };
  switch (v.kind) {
    case 'request':
      return decodeRequest(input, opts);
    case 'device-message':
      return decodeDeviceMessage(input, opts);
    case 'serial-line':
      return decodeSerialMachineLine(input, opts);
    default:
      throw new Error(`vector "${v.name}": unknown kind ${String(v.kind)}`);
  }
}

/** Result without the human message (which may word sizes differently for text and bytes). */
function summary(r: DecodeResult<unknown>): unknown {
  return r.ok ? r : { code: r.error.code, path: r.error.path, id: r.error.id };
}

function tryParse(text: string | undefined): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text ?? '');
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

describe('conformance vectors', () => {
  it('exist and have unique names', () => {
    expect(files.sort()).toEqual([
      'device-messages.json',
      'legacy.json',
      'requests.json',
      'serial-lines.json',
    ]);
    const names = all.map(({ v }) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const { file, v } of all) {
    it(`${file}: ${v.name}`, () => {
      const input = inputOf(v);
      if (v.kind === 'legacy') {
        expect('legacy' in v.expect).toBe(true);
        expect(isLegacyText(input)).toBe((v.expect as { legacy: unknown }).legacy);
        if (typeof input === 'string')
          expect(isLegacyText(enc.encode(input))).toBe((v.expect as { legacy: unknown }).legacy);
        return;
      }
      if (v.kind === 'connection-url') {
        expect(typeof input).toBe('string');
        expect(hasEsphilMarker(input as string)).toBe((v.expect as { esphil: unknown }).esphil);
        return;
      }
      if (v.kind === 'legacy-switch') {
        const want = (v.expect as { switches: unknown }).switches;
        expect(startsJsonObject(input)).toBe(want);
        if (typeof input === 'string') expect(startsJsonObject(enc.encode(input))).toBe(want);
        return;
      }
      const want = v.expect as Extract<Expect, { ok: boolean }>;
      const got = decode(v, input);
      if (want.ok) {
        expect(got).toEqual({ ok: true, value: want.value });
      } else {
        expect(got.ok, got.ok ? 'decoded, but the vector expects an error' : '').toBe(false);
        if (!got.ok) {
          const { code, path, id } = got.error;
          expect({ code, path, id }, got.error.message).toEqual({
            code: want.code,
            path: want.path,
            id: want.id,
          });
        }
      }
      // Bytes and text must agree: the same vector as UTF-8 bytes gives the same result.
      if (typeof input === 'string') expect(summary(decode(v, enc.encode(input)))).toEqual(summary(got));
    });
  }

  it('cover every op (valid and invalid), device kind, event kind, serial kind, error code in responses and decoder error code', () => {
    const okInputs = (kind: string) =>
      all
        .filter(({ v }) => v.kind === kind && 'ok' in v.expect && v.expect.ok && v.input !== undefined)
        .map(({ v }) => JSON.parse(v.input as string) as Record<string, unknown>);
    const reqOk = okInputs('request');
    expect(new Set(reqOk.map((r) => r.op))).toEqual(new Set(OPS));
    const reqErr = all.filter(({ v }) => v.kind === 'request' && 'ok' in v.expect && !v.expect.ok);
    const opsWithParams = OPS.filter((op) => !['info', 'state.get', 'reboot', 'config.get'].includes(op));
    for (const op of opsWithParams) {
      expect(
        reqErr.some(
          ({ v }) => tryParse(v.input)?.op === op && 'code' in v.expect && v.expect.code === 'bad_param',
        ),
        `a bad_param vector for ${op}`,
      ).toBe(true);
    }
    const devOk = okInputs('device-message');
    expect(new Set(devOk.map((m) => m.t))).toEqual(new Set(['hello', 'auth_required', 'res', 'evt']));
    expect(new Set(devOk.filter((m) => m.t === 'evt').map((m) => m.ev))).toEqual(new Set(EVENT_KINDS));
    expect(new Set(okInputs('serial-line').map((m) => m.t))).toEqual(
      new Set(['boot', 'wifi', 'ready', 'res', 'evt']),
    );
    const resCodes = okInputs('device-message')
      .filter((m) => m.t === 'res' && m.ok === false)
      .map((m) => (m.error as { code: unknown }).code);
    expect(new Set(resCodes)).toEqual(new Set(ERROR_CODES));
    const codes = new Set(all.flatMap(({ v }) => ('code' in v.expect ? [v.expect.code] : [])));
    expect(codes).toEqual(new Set(['bad_json', 'bad_request', 'unknown_op', 'bad_param', 'too_large']));
    expect(
      new Set(
        all.filter(({ v }) => v.kind === 'legacy').map(({ v }) => (v.expect as { legacy: unknown }).legacy),
      ),
    ).toEqual(new Set(['on', 'off', null]));
  });
});
