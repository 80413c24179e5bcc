import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findFloatingPromises } from '../testing/floating-promises';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsconfig = `${root}tsconfig.json`;
const suitesDir = `${root}suites/`;

describe('no floating promises in the shipped suites', () => {
  it('every promise a shipped suite makes is awaited (or handed to something that awaits it)', () => {
    const files = readdirSync(suitesDir)
      .filter((f) => f.endsWith('.hil.ts'))
      .map((f) => suitesDir + f);
    expect(files.length).toBeGreaterThan(5);
    expect(findFloatingPromises(files, tsconfig)).toEqual([]);
  });

  it('the check does find one: the rejection fixture drops a promise on purpose', () => {
    const fixture = fileURLToPath(new URL('../testing/suites-escapes/rejection.hil.ts', import.meta.url));
    expect(findFloatingPromises([fixture], tsconfig)).toEqual([
      { file: fixture, line: 5, text: "Promise.reject(new Error('rejection nobody handles, on purpose'));" },
    ]);
  });
});
