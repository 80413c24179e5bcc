/** Where a diagnostic's JSON path sits in the config text, so terminal output can say `file:line:col`. */
import { isNode, parseDocument } from 'yaml';
import { lineColumnOf } from './parse';

/** "pwm[1].pin" -> ["pwm", 1, "pin"]. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[1] !== undefined) out.push(m[1]);
  }
  return out;
}

export type PathLocator = (path: string) => { line: number; column: number } | undefined;

/**
 * Parses once, then locates paths. A path that does not exist (a missing key) points at its nearest existing
 * parent. JSON is YAML flow syntax, so one parser serves both.
 */
export function pathLocator(text: string): PathLocator {
  const doc = parseDocument(text, { uniqueKeys: false });
  return (path) => {
    const segs = pathSegments(path);
    for (let n = segs.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(segs.slice(0, n), true);
      if (isNode(node) && node.range) return lineColumnOf(text, node.range[0]);
    }
    return undefined;
  };
}
