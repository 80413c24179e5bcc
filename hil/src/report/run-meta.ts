/**
 * Who ran what, where: the `run` member of report.json. Collected once per run, from sources that can each be
 * missing (no git, no pnpm, no bench file) without failing the run: a missing piece is null, never a guess.
 */
import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { packageRoot } from '../run/paths';
import type { RunMeta } from './model';

/** Longest wait for one `git` query; a wedged or slow repository must not hold up the report. */
export const GIT_QUERY_TIMEOUT_MS = 3000;
/** Largest bench file hashed (bench files are a few KiB; the loader refuses larger ones anyway). */
export const MAX_HASHED_BENCH_BYTES = 1024 * 1024;

export interface RunMetaInput {
  benchFile: string | null;
  args: readonly string[];
  simFaults: readonly string[];
  startedAt: number;
  /** Where to ask git; default the bench file's folder, else the working directory. */
  cwd?: string;
}

/** The parts known before the run starts (everything but status and end time). */
export type RunMetaStart = Omit<RunMeta, 'status' | 'endedAt'>;

export async function collectRunMeta(input: RunMetaInput): Promise<RunMetaStart> {
  const cwd = input.cwd ?? (input.benchFile ? dirname(input.benchFile) : process.cwd());
  const [commit, porcelain, benchSha256, esphil] = await Promise.all([
    git(['rev-parse', 'HEAD'], cwd),
    git(['status', '--porcelain', '--untracked-files=no'], cwd),
    input.benchFile ? sha256OfFile(input.benchFile) : Promise.resolve(null),
    esphilVersion(),
  ]);
  return {
    id: randomUUID(),
    commit: commit?.trim() || null,
    dirty: porcelain === null ? null : porcelain.trim().length > 0,
    benchFile: input.benchFile,
    benchSha256,
    args: [...input.args],
    simFaults: [...input.simFaults],
    host: hostname(),
    versions: { node: process.version, pnpm: pnpmVersion(process.env), esphil: esphil ?? 'unknown' },
    startedAt: new Date(input.startedAt).toISOString(),
  };
}

/** pnpm names itself in npm_config_user_agent ("pnpm/12.4.2 npm/? node/v20..."); a direct `node` run has none. */
export function pnpmVersion(env: NodeJS.ProcessEnv): string | null {
  const m = /(?:^|\s)pnpm\/(\S+)/.exec(env.npm_config_user_agent ?? '');
  return m?.[1] ?? null;
}

/** The version of @esphil/hil that ran, from its own package.json (null if it cannot be read). */
async function esphilVersion(): Promise<string | null> {
  try {
    const pkg = JSON.parse(await readFile(join(packageRoot(), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : null;
  } catch {
    return null;
  }
}

function git(args: string[], cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: GIT_QUERY_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (err, stdout) =>
      resolve(err ? null : stdout),
    );
  });
}

async function sha256OfFile(file: string): Promise<string | null> {
  try {
    // Sized before it is read: an oversize file is never loaded just to be refused.
    if ((await stat(file)).size > MAX_HASHED_BENCH_BYTES) return null;
    const data = await readFile(file);
    if (data.length > MAX_HASHED_BENCH_BYTES) return null;
    return createHash('sha256').update(data).digest('hex');
  } catch {
    return null;
  }
}

/** The metadata as name/value rows, in one order for report.html and junit.xml's <properties>. */
export function runMetaRows(run: RunMeta): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['run.id', run.id],
    ['run.status', run.status],
    ['git.commit', run.commit ?? '(no repository)'],
    ['git.dirty', run.dirty === null ? 'unknown' : String(run.dirty)],
    ['bench.file', run.benchFile ?? '(inline)'],
    ['bench.sha256', run.benchSha256 ?? 'unknown'],
    ['args', run.args.join(' ')],
    ['sim.faults', run.simFaults.join(',')],
    ['host', run.host],
    ['version.node', run.versions.node],
    ['version.pnpm', run.versions.pnpm ?? 'unknown'],
    ['version.esphil', run.versions.esphil],
    ['startedAt', run.startedAt],
    ['endedAt', run.endedAt],
  ];
  return rows;
}
