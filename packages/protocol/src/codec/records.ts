// Walkers for arrays of objects and name-keyed records, so nested paths read like `caps.leds[0].name`.
import { describe, isName, isObject, issue, join, joinKey, type Obj } from './checks';
import type { Issue } from './types';

/** `o[key]` must be an array of objects, each passing `item` (which receives the item's path prefix). */
export function arrayOf(
  o: Obj,
  key: string,
  prefix: string,
  item: (v: Obj, path: string) => Issue | undefined,
): Issue | undefined {
  const path = join(prefix, key);
  const v = o[key];
  if (!Array.isArray(v)) {
    return issue(
      path,
      `${path}: ${v === undefined ? 'missing; expected' : `got ${describe(v)}, expected`} an array`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    const p = `${path}[${i}]`;
    const el: unknown = v[i];
    if (!isObject(el)) return issue(p, `${p}: expected a JSON object, got ${describe(el)}`);
    const bad = item(el, p);
    if (bad) return bad;
  }
  return undefined;
}

/** `o[key]` must be an object whose keys are target names and whose values pass `value`. */
export function recordOf(
  o: Obj,
  key: string,
  prefix: string,
  value: (v: unknown, path: string) => Issue | undefined,
): Issue | undefined {
  const path = join(prefix, key);
  const v = o[key];
  if (!isObject(v)) {
    return issue(
      path,
      `${path}: ${v === undefined ? 'missing; expected' : `got ${describe(v)}, expected`} a JSON object`,
    );
  }
  for (const k of Object.keys(v)) {
    const p = joinKey(path, k);
    if (!isName(k)) {
      return issue(p, `${p}: key is not a name (1-16 chars [a-z0-9_-] starting with a letter a-z)`);
    }
    const bad = value(v[k], p);
    if (bad) return bad;
  }
  return undefined;
}
