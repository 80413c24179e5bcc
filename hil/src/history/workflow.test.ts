// The nightly workflow's history job, run as far as it can be off GitHub: its shell step in bash (with `pnpm`
// recording its arguments), then the recorded `hil history` arguments through the real command.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseHistoryArgs, writeHistory } from './command';
import { writeSyntheticRun } from './synthetic';

const WORKFLOW = fileURLToPath(new URL('../../../.github/workflows/nightly-hil.yml', import.meta.url));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  needs?: string[];
  if?: string;
  steps: Step[];
  env?: Record<string, string>;
}

const jobs = (parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, Job> }).jobs;
const history = jobs.history!;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hil-history-wf-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('nightly workflow: history job', () => {
  it('runs after every bench and shard, restores the history before building and saves it after', () => {
    expect(history.needs).toEqual(['sim', 'bench']);
    expect(history.if).toBe('always()');
    const uses = history.steps.map((s) => s.uses ?? (s.run?.includes('hil history') ? 'hil history' : s.run));
    const at = (u: string) => uses.findIndex((x) => x?.startsWith(u));
    expect(at('actions/cache/restore')).toBeLessThan(at('hil history'));
    expect(at('actions/download-artifact')).toBeLessThan(at('hil history'));
    expect(at('actions/cache/save')).toBeGreaterThan(at('hil history'));
    expect(at('actions/upload-artifact')).toBeGreaterThan(at('hil history'));
    const restore = history.steps[at('actions/cache/restore')]!.with!;
    const save = history.steps[at('actions/cache/save')]!.with!;
    expect(restore.path).toBe(save.path);
    expect(save.key?.startsWith(restore['restore-keys']!)).toBe(true);
    expect(history.steps[at('actions/download-artifact')]!.with!.pattern).toBe('hil-*');
    expect(jobs.pages?.if).toContain('HIL_HISTORY_PAGES');
  });

  it('its shell step adds tonight, prunes old nights and calls `hil history` with valid arguments', async () => {
    const step = history.steps.find((s) => s.run?.includes('hil history'))!;
    const script = step.run!.replaceAll(/\$\{\{ github\.run_id \}\}/g, '4242');
    const old = join(dir, 'history-site', 'runs', '2020-01-01-1');
    const recent = join(dir, 'history-site', 'runs', `${new Date().toISOString().slice(0, 10)}-7`);
    await mkdir(old, { recursive: true });
    await mkdir(recent, { recursive: true });
    const night = new Date().toISOString().slice(0, 10);
    await writeSyntheticRun(join(dir, 'tonight'), 'hil-sim', {
      bench: 'sim',
      night,
      commit: 'abc',
      tests: [{ suite: 'led', name: 'on', state: 'passed', durationMs: 3 }],
    });
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'pnpm'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${join(dir, 'pnpm-args')}"\n`);
    await chmod(join(bin, 'pnpm'), 0o755);
    execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: dir,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, NIGHTS: '30' },
    });
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    const runs = await readdir(join(dir, 'history-site', 'runs'));
    expect(runs).toContain(`${night}-4242`);
    const argv = (await readFile(join(dir, 'pnpm-args'), 'utf8')).trim().split('\n');
    expect(argv.slice(0, 2)).toEqual(['hil', 'history']);
    const args = parseHistoryArgs(argv.slice(2));
    expect(args.nights).toBe(30);
    const r = await writeHistory({
      ...args,
      inputs: args.inputs.map((i) => resolve(dir, i)),
      out: resolve(dir, args.out),
    });
    expect(r.warnings).toEqual([]);
    expect(r.history.runs.map((x) => [x.bench, x.report])).toEqual([
      ['sim', `runs/${night}-4242/hil-sim/report.html`],
    ]);
  });
});
