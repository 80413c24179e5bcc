/**
 * JSON.parse keeps the last of two equal keys without a word; a config with `"leds"` twice would lose the first
 * list. This scans text JSON.parse already accepted (so it is well formed) for an object naming a key twice.
 */

export interface DuplicateKey {
  key: string;
  /** Dotted path of the second occurrence, e.g. `leds[0].pin`. */
  path: string;
  /** Character offset of the second occurrence's opening quote. */
  offset: number;
}

interface Frame {
  kind: 'object' | 'array';
  path: string;
  keys: Set<string>;
  expectKey: boolean;
  member: string;
  index: number;
}

function memberPath(f: Frame | undefined): string {
  if (!f) return '';
  if (f.kind === 'array') return `${f.path}[${f.index}]`;
  return f.path ? `${f.path}.${f.member}` : f.member;
}

/** Index just past the string literal starting at `start` (a `"`). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

export function findDuplicateJsonKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        top.member = key;
        if (top.keys.has(key)) return { key, path: memberPath(top), offset: i };
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end - 1;
    } else if (c === '{' || c === '[') {
      const kind = c === '{' ? 'object' : 'array';
      stack.push({ kind, path: memberPath(top), keys: new Set(), expectKey: true, member: '', index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.kind === 'object') top.expectKey = true;
      else top.index++;
    }
  }
  return null;
}
