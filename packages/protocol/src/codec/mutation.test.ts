import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as arb from '../testing/arbitraries';
import { decodeDeviceMessage } from './device-message';
import { decodeRequest } from './request';

/** Replace one member of a valid message with an arbitrary JSON value. */
function mutateOne<T extends object>(base: fc.Arbitrary<T>, skip: readonly string[]) {
  return base
    .filter((m) => Object.keys(m).some((k) => !skip.includes(k)))
    .chain((m) => {
      const keys = Object.keys(m).filter((k) => !skip.includes(k));
      return fc.tuple(fc.constant(m), fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 2 }));
    });
}

describe('a single bad member is reported at its own path', () => {
  it('requests: changing one parameter gives ok or bad_param at that parameter, with the id', () => {
    fc.assert(
      fc.property(mutateOne(arb.request, ['id', 'op']), ([req, key, value]) => {
        const mutated = { ...req, [key]: value };
        const r = decodeRequest(JSON.stringify(mutated));
        if (r.ok) return;
        expect(r.error.code).toBe('bad_param');
        expect(r.error.id).toBe(req.id);
        // pwm.set reports a missing/duplicate duty/raw on one of the pair; nested config paths start at the key.
        const allowed = req.op === 'pwm.set' && (key === 'duty' || key === 'raw') ? ['duty', 'raw'] : [key];
        expect(allowed).toContain(r.error.path);
      }),
      { numRuns: 400 },
    );
  });

  it('events: changing one field gives ok or an error at that field', () => {
    fc.assert(
      fc.property(mutateOne(arb.event, ['t']), ([evt, key, value]) => {
        const r = decodeDeviceMessage(JSON.stringify({ ...evt, [key]: value }));
        if (r.ok) return;
        expect(r.error.code).toBe(key === 'ev' ? 'bad_request' : 'bad_param');
        // pwm duty is range-checked against bits, so breaking bits can surface on duty.
        const allowed = evt.ev === 'pwm' && key === 'bits' ? ['bits', 'duty'] : [key];
        expect(allowed).toContain(r.error.path);
      }),
      { numRuns: 400 },
    );
  });
});
