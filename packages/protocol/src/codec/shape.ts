// The device's parser limits on a request's shape (PROTOCOL.md 12): nesting depth and number of values. The
// firmware's parser (apps/firmware/src/core/json.cpp) refuses while parsing; this walk gives the same verdict
// after JSON.parse, so both bodies answer `bad_json` to the same frames.
import { MAX_REQUEST_DEPTH, MAX_REQUEST_VALUES } from '../messages';
import type { Obj } from './checks';
import { readObject } from './input';
import { fail, ok } from './result';
import type { DecodeOptions, DecodeResult } from './types';

export interface ShapeLimits {
  maxDepth: number;
  maxValues: number;
}

export const REQUEST_SHAPE_LIMITS: ShapeLimits = {
  maxDepth: MAX_REQUEST_DEPTH,
  maxValues: MAX_REQUEST_VALUES,
};

/** Iterative (an attacker's depth never reaches the JS stack); stops as soon as a limit is passed. */
export function checkShape(root: Obj, limits: ShapeLimits = REQUEST_SHAPE_LIMITS): DecodeResult<Obj> {
  const stack: [unknown, number][] = [[root, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (++values > limits.maxValues) {
      return fail(
        'bad_json',
        '',
        `more than ${limits.maxValues} JSON values: requests are small and flat`,
        null,
      );
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth > limits.maxDepth) {
      return fail(
        'bad_json',
        '',
        `JSON nested deeper than ${limits.maxDepth} levels: requests are flat`,
        null,
      );
    }
    const children = Array.isArray(v) ? v : Object.values(v as Obj);
    for (const c of children) stack.push([c, depth + 1]);
  }
  return ok(root);
}

/** readObject plus the request shape limits: the front half of every request decoder. */
export function readRequestObject(input: string | Uint8Array, opts?: DecodeOptions): DecodeResult<Obj> {
  const parsed = readObject(input, opts);
  if (!parsed.ok) return parsed;
  return checkShape(parsed.value);
}
