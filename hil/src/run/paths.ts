import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

/** What `@esphil/hil` resolves to inside suite files: the same code the runner runs (src in tests, dist when built). */
export function hilEntry(): string {
  const root = packageRoot();
  const here = fileURLToPath(import.meta.url);
  if (here.includes('/src/')) return `${root}/src/index.ts`;
  return `${root}/dist/index.js`;
}
