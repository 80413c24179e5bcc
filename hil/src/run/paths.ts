import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_OUT_DIR = 'hil-results';

/**
 * The folder a command writes its reports to: a run writes `--out` (default hil-results/), `hil doctor` its own
 * `doctor/` folder inside it, so checking the bench never overwrites the last run's reports.
 */
export function reportDir(out: string | undefined, command: 'run' | 'doctor'): string {
  const base = resolve(out ?? DEFAULT_OUT_DIR);
  return command === 'doctor' ? join(base, 'doctor') : base;
}

/** The package root (holds benches/ and suites/), found from both src/ (tests) and dist/ (built CLI). */
export function packageRoot(): string {
  for (const rel of ['..', '../..']) {
    const dir = fileURLToPath(new URL(`${rel}/`, import.meta.url));
    if (existsSync(`${dir}benches`) && existsSync(`${dir}suites`)) return dir.replace(/\/$/, '');
  }
  throw new Error('cannot find the @esphil/hil package root (benches/ and suites/)');
}

export const defaultBenchFile = () => `${packageRoot()}/benches/sim.json`;
export const builtinSuiteDir = () => `${packageRoot()}/suites`;

const WORKSPACE_PACKAGES = ['protocol', 'device-model', 'serial', 'client', 'sim'];

/**
 * Aliases for suite files, so they load the same code the runner runs: when the runner itself runs from source
 * (its own tests), every @esphil/* package resolves to its src (no build needed); built, `@esphil/hil` is dist.
 */
export function suiteAliases(): Record<string, string> {
  const root = packageRoot();
  if (!fileURLToPath(import.meta.url).includes('/src/')) {
    // Built: suites anywhere (--suite-dir) see the same packages the runner loaded.
    // '/test' first: aliases match by prefix, in order.
    const aliases: Record<string, string> = {
      '@esphil/hil/test': `${root}/dist/test.js`,
      '@esphil/hil': `${root}/dist/index.js`,
    };
    for (const p of WORKSPACE_PACKAGES) {
      try {
        aliases[`@esphil/${p}`] = fileURLToPath(import.meta.resolve(`@esphil/${p}`));
      } catch {
        // not installed next to the runner: leave it to normal resolution
      }
    }
    return aliases;
  }
  const aliases: Record<string, string> = {
    '@esphil/hil/test': `${root}/src/test.ts`,
    '@esphil/hil': `${root}/src/index.ts`,
  };
  for (const p of WORKSPACE_PACKAGES) {
    const entry = `${root}/../packages/${p}/src/index.ts`;
    if (existsSync(entry)) aliases[`@esphil/${p}`] = entry;
  }
  return aliases;
}
