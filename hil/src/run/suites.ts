import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HilError } from '../errors';
import { suiteName } from '../vitest/reporter';

/** Suite files are `*.hil.ts` (or .js/.mts); a numeric prefix (`10-led.hil.ts`) orders them and is not part of the name. */
export const SUITE_FILE = /\.hil\.[cm]?[jt]s$/;

export interface SuiteFile {
  name: string;
  file: string;
}

export async function discoverSuites(dirs: readonly string[]): Promise<SuiteFile[]> {
  const out: SuiteFile[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      throw new HilError('suite_not_found', `suite directory ${dir} does not exist`, 'check --suite-dir');
    }
    for (const n of names.sort())
      if (SUITE_FILE.test(n)) out.push({ name: suiteName(n), file: resolve(dir, n) });
  }
  return out;
}

/** Keeps the named suites (all when none named); an unknown name is an error listing the known ones. */
export function selectSuites(all: readonly SuiteFile[], names: readonly string[]): SuiteFile[] {
  if (names.length === 0) return [...all];
  const known = new Set(all.map((s) => s.name));
  const missing = names.filter((n) => !known.has(n));
  if (missing.length > 0) {
    throw new HilError(
      'suite_not_found',
      `unknown suite ${missing.map((m) => `"${m}"`).join(', ')}`,
      `known suites: ${[...known].join(', ')}`,
    );
  }
  return all.filter((s) => names.includes(s.name));
}
