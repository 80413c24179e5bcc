// Packs published workspace packages the way `pnpm publish` would (publishConfig applied, workspace: ranges
// replaced by versions). Shared by `pnpm check:packages` and `pnpm pack:packages`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));

/** Workspace folders of the published packages (published-packages.json). */
export const publishedPackages = JSON.parse(
  readFileSync(new URL('./published-packages.json', import.meta.url), 'utf8'),
).packages;

/** Packs one package folder into `dest`; returns the tarball's file name. Throws with pnpm's output. */
export function packInto(packageDir, dest) {
  mkdirSync(dest, { recursive: true });
  const before = new Set(readdirSync(dest));
  try {
    execFileSync('pnpm', ['pack', '--pack-destination', dest], {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    throw new Error(`pnpm pack failed in ${packageDir}:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
  const tarball = readdirSync(dest).find((f) => f.endsWith('.tgz') && !before.has(f));
  if (!tarball) throw new Error(`pnpm pack produced no tarball for ${packageDir}`);
  return tarball;
}

export function packageDir(dir) {
  return join(repo, dir);
}
