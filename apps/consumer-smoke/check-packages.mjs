#!/usr/bin/env node
// `pnpm check:packages`: packs every published package (after `pnpm build`) and checks each tarball the way npm
// users will get it: publint (manifest and files), @arethetypeswrong/cli (types resolve under node16/NodeNext
// and bundlers, ESM only), and the release policy of RELEASING.md. Offline: nothing is fetched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageDir, publishedPackages as packages, packInto, repo } from './pack.mjs';

const protocolVersion = Number(
  /export const PROTOCOL_VERSION = (\d+)/.exec(
    readFileSync(join(repo, 'packages/protocol/src/messages.ts'), 'utf8'),
  )?.[1],
);
const bin = (name) => join(repo, 'node_modules/.bin', name);

/** Packages a pending changeset bumps by a major (the way 0.x reaches the protocol's major). */
function pendingMajors() {
  const dir = join(repo, '.changeset');
  const majors = new Set();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.md') && n !== 'README.md')) {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, f), 'utf8'))?.[1] ?? '';
    for (const m of front.matchAll(/^["']?([^"':]+)["']?:\s*major\s*$/gm)) majors.add(m[1]);
  }
  return majors;
}

function policyProblems(manifest, majors) {
  const problems = [];
  if (manifest.private) problems.push('is private');
  if (!manifest.engines?.node) problems.push('has no engines.node');
  if (!manifest.files?.includes('dist')) problems.push('does not ship dist/');
  if (manifest.publishConfig?.access !== 'public') problems.push('publishConfig.access is not public');
  const major = Number(String(manifest.version).split('.')[0]);
  if (major !== protocolVersion && !(major === 0 && majors.has(manifest.name))) {
    problems.push(
      `version ${manifest.version}: the major must equal PROTOCOL_VERSION ${protocolVersion} (RELEASING.md)`,
    );
  }
  return problems;
}

function run(cmd, args, cwd) {
  try {
    return {
      ok: true,
      out: execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    };
  } catch (err) {
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'esphil-check-packages-'));
let failed = 0;
try {
  const majors = pendingMajors();
  for (const dir of packages) {
    const cwd = packageDir(dir);
    const manifest = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
    const problems = policyProblems(manifest, majors);
    let tarball = '';
    try {
      tarball = packInto(cwd, scratch);
    } catch (err) {
      problems.push(err.message);
    }
    if (tarball) {
      const file = join(scratch, tarball);
      const lint = run(bin('publint'), ['run', file, '--strict'], repo);
      if (!lint.ok) problems.push(`publint:\n${lint.out}`);
      const attwArgs = [file, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii'];
      const types = run(bin('attw'), attwArgs, repo);
      if (!types.ok) problems.push(`@arethetypeswrong/cli:\n${types.out}`);
    }
    if (problems.length > 0) {
      failed++;
      process.stderr.write(`FAIL ${manifest.name} (${dir}):\n  ${problems.join('\n  ')}\n`);
    } else process.stdout.write(`ok   ${manifest.name}@${manifest.version}: ${tarball}\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failed > 0) {
  process.stderr.write(`${failed} of ${packages.length} packages are not ready to publish\n`);
  process.exitCode = 1;
}
