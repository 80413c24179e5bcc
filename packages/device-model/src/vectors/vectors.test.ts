import { readFileSync } from 'node:fs';
import { ERROR_CODES, OPS } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { starterConfig } from '../config/starter';
import { validateConfig } from '../config/validate';
import { mismatch } from './match';
import { runVector, type VectorFile } from './run';

const file = JSON.parse(
  readFileSync(new URL('../../vectors/state-machine.json', import.meta.url), 'utf8'),
) as VectorFile;

describe('state-machine vectors', () => {
  it.each(file.vectors.map((v) => [v.name, v] as const))('%s', (_name, vector) => {
    expect(runVector(file, vector)).toBeNull();
  });

  it('the "starter" config is starterConfig(esp32-doit-devkit-v1); every config is valid', () => {
    expect(file.configs.starter).toEqual(starterConfig('esp32-doit-devkit-v1'));
    for (const [name, c] of Object.entries(file.configs))
      expect(validateConfig(c).config, name).toBeDefined();
  });

  it('cover every op and every error the machine can answer', () => {
    const requests = file.vectors.flatMap((v) => v.steps.flatMap((s) => ('request' in s ? [s] : [])));
    const ops = new Set(requests.map((s) => s.request.op));
    for (const op of OPS) expect(ops, op).toContain(op);
    const codes = new Set(
      requests
        .map((s) => (s.expect.response as { error?: { code: string } } | undefined)?.error?.code)
        .filter(Boolean),
    );
    // bad_json, too_large and busy belong to the codec/transport; internal must never happen.
    const machineCodes = ERROR_CODES.filter(
      (c) => !['bad_json', 'too_large', 'busy', 'internal'].includes(c),
    );
    for (const code of machineCodes) expect(codes, code).toContain(code);
  });

  it('the runner detects a wrong expectation (it can fail)', () => {
    for (const vector of file.vectors) {
      const broken = structuredClone(vector);
      const first = broken.steps[0]!;
      first.expect.events = [...(first.expect.events ?? []), { t: 'evt', ev: 'log' }];
      expect(runVector(file, broken), vector.name).toMatch(/^step 0: events/);
    }
  });
});

describe('matcher', () => {
  it('subset objects, exact arrays, numbers within 1e-6', () => {
    expect(mismatch({ a: 1 }, { a: 1, b: 2 })).toBeNull();
    expect(mismatch({ a: 1, c: 1 }, { a: 1 })).toMatch(/missing/);
    expect(mismatch([1], [1, 2])).toMatch(/1 element/);
    expect(mismatch(0.5, 0.5000001)).toBeNull();
    expect(mismatch(0.5, 0.501)).toMatch(/expected 0.5/);
    expect(mismatch(null, 0)).not.toBeNull();
  });
});
