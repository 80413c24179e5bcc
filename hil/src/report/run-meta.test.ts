import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { collectRunMeta, pnpmVersion } from './run-meta';

const tempDir = useTempDirs();

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
  });

describe('collectRunMeta', () => {
  it('records the commit, the dirty flag and the bench hash of the repository holding the bench file', async () => {
    const repo = await tempDir('run-meta-');
    const bench = join(repo, 'bench.json');
    await writeFile(bench, '{"name":"b","kind":"sim"}\n');
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'bench');
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const clean = await collectRunMeta({
      benchFile: bench,
      args: ['--out', 'x'],
      simFaults: [],
      startedAt: 0,
    });
    expect(clean.commit).toBe(head);
    expect(clean.dirty).toBe(false);
    expect(clean.benchSha256).toBe(
      createHash('sha256')
        .update(await readFile(bench))
        .digest('hex'),
    );
    expect(clean.args).toEqual(['--out', 'x']);
    expect(clean.startedAt).toBe('1970-01-01T00:00:00.000Z');
    expect(clean.id).toMatch(/^[0-9a-f-]{36}$/);

    await writeFile(bench, '{"name":"b2","kind":"sim"}\n');
    const dirty = await collectRunMeta({
      benchFile: bench,
      args: [],
      simFaults: ['led-stuck:low'],
      startedAt: 0,
    });
    expect(dirty.dirty).toBe(true);
    expect(dirty.simFaults).toEqual(['led-stuck:low']);
    expect(dirty.id).not.toBe(clean.id);
  });

  it('outside a repository and without a bench file, the unknown parts are null rather than guessed', async () => {
    const dir = await tempDir('run-meta-');
    const meta = await collectRunMeta({ benchFile: null, args: [], simFaults: [], startedAt: 0, cwd: dir });
    expect(meta.commit).toBeNull();
    expect(meta.dirty).toBeNull();
    expect(meta.benchSha256).toBeNull();
    expect(meta.versions.node).toBe(process.version);
    expect(meta.versions.esphil).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('pnpmVersion', () => {
  it('reads pnpm from npm_config_user_agent, null when another client or none ran the command', () => {
    expect(pnpmVersion({ npm_config_user_agent: 'pnpm/12.4.2 npm/? node/v20.20.2 linux x64' })).toBe(
      '12.4.2',
    );
    expect(pnpmVersion({ npm_config_user_agent: 'npm/11.1.0 node/v20.20.2 linux x64' })).toBeNull();
    expect(pnpmVersion({})).toBeNull();
  });
});
