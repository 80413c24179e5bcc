/** Structural difference of two JSON values, as path/expected/actual rows (for the capabilities check). */

export interface ValueDifference {
  path: string;
  /** undefined = missing on that side. */
  expected: unknown;
  actual: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function diffValues(expected: unknown, actual: unknown, path = ''): ValueDifference[] {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const out: ValueDifference[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      out.push(...diffValues(expected[i], actual[i], `${path}[${i}]`));
    }
    return out;
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((k) => diffValues(expected[k], actual[k], path ? `${path}.${k}` : k));
  }
  return Object.is(expected, actual) ? [] : [{ path: path || '(root)', expected, actual }];
}

const show = (v: unknown): string => (v === undefined ? '(missing)' : JSON.stringify(v));

export function formatDifferences(diffs: readonly ValueDifference[]): string[] {
  return diffs.flatMap((d) => [
    `  ${d.path}`,
    `    - expected ${show(d.expected)}`,
    `    + device   ${show(d.actual)}`,
  ]);
}
