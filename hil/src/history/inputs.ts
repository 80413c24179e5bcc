/**
 * `hil history` inputs: report.json files, folders (searched for report.json), or globs (`*`, `**`, `?`),
 * expanded here so a quoted glob works the same in every shell and on CI.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { HistoryError } from './errors';

export interface InputLimits {
  /** report.json files taken from all inputs together. */
  maxFiles: number;
  /** How deep a folder or `**` is searched. */
  maxDepth: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxFiles: 50_000, maxDepth: 8 };

const GLOB_CHARS = /[*?[]/;

/** Every report.json named by the inputs, absolute, deduplicated, sorted. */
export async function expandInputs(
  inputs: readonly string[],
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): Promise<string[]> {
  const found = new Set<string>();
  const add = (file: string) => {
    found.add(file);
    if (found.size > limits.maxFiles) {
      throw new HistoryError(
        'too_many_inputs',
        `more than ${limits.maxFiles} report.json files`,
        'name fewer folders, or lower --nights and prune old run folders',
      );
    }
  };
  for (const input of inputs) {
    if (GLOB_CHARS.test(input)) {
      await expandGlob(input, limits.maxDepth, add);
      continue;
    }
    const path = resolve(input);
    const st = await stat(path).catch(() => null);
    if (!st)
      throw new HistoryError('input_not_found', `${input} does not exist`, 'name a report.json or a folder');
    if (st.isDirectory()) await walk(path, limits.maxDepth, isReportJson, add);
    else add(path);
  }
  return [...found].sort();
}

const isReportJson = (rel: string) => rel === 'report.json' || rel.endsWith(`${sep}report.json`);

/**
 * Hands `found` each file under `dir` whose relative path `keep` accepts, at most `maxDepth` folders deep; symlinks
 * not followed. `found` may throw (the file limit) to stop the walk at once rather than after the whole tree.
 */
async function walk(
  dir: string,
  maxDepth: number,
  keep: (rel: string) => boolean,
  found: (file: string) => void,
): Promise<void> {
  const visit = async (abs: string, rel: string, depth: number): Promise<void> => {
    const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const childRel = rel ? `${rel}${sep}${e.name}` : e.name;
      if (e.isDirectory() && depth < maxDepth) await visit(join(abs, e.name), childRel, depth + 1);
      else if (e.isFile() && keep(childRel)) found(join(abs, e.name));
    }
  };
  await visit(dir, '', 0);
}

/** A glob as a regular expression over the path relative to its fixed leading folders. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of folders, including none.
      re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      // A character class, e.g. `2026-11-2[0-4]`; `[!...]` negates as in the shell.
      const end = pattern.indexOf(']', i + 2);
      const body = pattern
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/[\\/]/g, '');
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function expandGlob(pattern: string, maxDepth: number, found: (file: string) => void): Promise<void> {
  const parts = pattern.split(/[\\/]/);
  const firstGlob = parts.findIndex((p) => GLOB_CHARS.test(p));
  const base = resolve(parts.slice(0, firstGlob).join('/') || '.');
  const re = globToRegExp(parts.slice(firstGlob).join('/'));
  // A glob naming folders (e.g. `runs/*`) takes the report.json inside each of them.
  const keep = (rel: string) => {
    const posix = rel.split(sep).join('/');
    return (
      posix.endsWith('.json') &&
      (re.test(posix) || (posix.endsWith('/report.json') && re.test(posix.slice(0, -'/report.json'.length))))
    );
  };
  await walk(base, maxDepth, keep, found);
}
