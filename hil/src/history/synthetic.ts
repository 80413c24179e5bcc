/**
 * Generated nightly runs as real report.json files: the history tests, the Chromium test and `pnpm bench`
 * build from these. Deterministic (seeded), so a test can say which night is red.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HilReport, latencyStats, type RunMeta, summarize, type TestRecord } from '../report/model';
import type { RunStatus, RunTestState } from './model';

/**
 * The report.json `run` member as the history reads it: the runner's RunMeta, with the wider status set a future
 * runner (aborts) may write; optional because older reports lack it.
 */
export type ReportRunMeta = Omit<RunMeta, 'status'> & { status: RunStatus };

export type ReportWithRun = Omit<HilReport, 'tests' | 'run'> & {
  tests: (Omit<TestRecord, 'state'> & { state: RunTestState })[];
  run?: ReportRunMeta;
};

export interface SyntheticTest {
  suite: string;
  name: string;
  state: RunTestState;
  durationMs: number;
}

export interface SyntheticRun {
  bench: string;
  shard?: { index: number; count: number };
  /** YYYY-MM-DD; the run starts at 02:17 UTC that night. */
  night: string;
  commit: string | null;
  tests: SyntheticTest[];
  status?: RunStatus;
  benchError?: string;
  latencyMs?: number[];
  pwmError?: number;
  bootMs?: number;
  readyMs?: number;
  /** Leave out the `run` member, like a report written before issue 11. */
  legacy?: boolean;
}

export function syntheticReport(r: SyntheticRun): ReportWithRun {
  const startedAt = `${r.night}T02:17:00.000Z`;
  const t0 = Date.parse(startedAt);
  const tests = r.tests.map((t) => ({
    ...t,
    fullName: `${t.suite} ${t.name}`,
    retries: t.state === 'flaky' ? 1 : 0,
    startedAt: t0,
    measurements: [],
  }));
  const failed = tests.some((t) => t.state === 'failed');
  const status: RunStatus = r.status ?? (r.benchError ? 'bench_error' : failed ? 'failed' : 'passed');
  const durationMs = 2000 + tests.reduce((s, t) => s + t.durationMs, 0);
  const err = r.pwmError ?? 3;
  const report: ReportWithRun = {
    tool: 'esphil-hil',
    version: 1,
    bench: { name: r.bench, kind: 'sim', file: null },
    command: 'run',
    startedAt,
    durationMs,
    exitCode: status === 'passed' ? 0 : status === 'failed' ? 1 : 2,
    shard: r.shard ?? null,
    benchError: r.benchError ? { code: r.benchError, message: `${r.benchError} on ${r.night}` } : null,
    stages: [
      { name: 'reset', status: 'ok', startedAt: t0, durationMs: r.bootMs ?? 120 },
      {
        name: 'ready',
        status: r.benchError ? 'failed' : 'ok',
        startedAt: t0 + 120,
        durationMs: r.readyMs ?? 600,
      },
    ],
    tests,
    summary: summarize(tests.map((t) => ({ ...t, state: t.state === 'aborted' ? 'skipped' : t.state }))),
    pwmSweep: r.benchError
      ? []
      : [
          { duty: 0.25, expected: 256, measured: 256 + err / 2, tolerance: 32 },
          { duty: 0.5, expected: 512, measured: 512 + err, tolerance: 32 },
        ],
    latency: r.latencyMs ? latencyStats(r.latencyMs) : null,
    wiring: [],
    crashes: [],
    fw: null,
  };
  if (r.legacy) return report;
  const shard = r.shard ? `-${r.shard.index}of${r.shard.count}` : '';
  return {
    ...report,
    run: {
      id: `${r.bench}${shard}-${r.night}`,
      status,
      commit: r.commit,
      dirty: false,
      benchFile: null,
      benchSha256: null,
      args: [],
      simFaults: [],
      host: 'bench-host',
      versions: { node: '20.0.0', pnpm: '12.4.2', esphil: '0.1.0' },
      startedAt,
      endedAt: new Date(t0 + durationMs).toISOString(),
    },
  };
}

/** Writes `<dir>/<name>/report.json` and a stub report.html beside it; returns the report.json path. */
export async function writeSyntheticRun(dir: string, name: string, r: SyntheticRun): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  const file = join(folder, 'report.json');
  await writeFile(file, JSON.stringify(syntheticReport(r)));
  await writeFile(join(folder, 'report.html'), `<!doctype html><title>${r.bench} ${r.night}</title>`);
  return file;
}

export interface FleetHistoryOptions {
  nights: number;
  testsPerBench: number;
  benches: number;
  /** Last night, YYYY-MM-DD. */
  lastNight: string;
  seed?: number;
}

/**
 * A realistic large history: mostly green, a few flaky tests, occasional failures and bench-error nights, slow
 * drift in latency and PWM error. The shape the page must stay fast on.
 */
export function* fleetHistory(o: FleetHistoryOptions): Generator<{ name: string; run: SyntheticRun }> {
  let seed = o.seed ?? 17;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const last = Date.parse(`${o.lastNight}T00:00:00Z`);
  for (let n = 0; n < o.nights; n++) {
    const night = new Date(last - (o.nights - 1 - n) * 86_400_000).toISOString().slice(0, 10);
    for (let b = 0; b < o.benches; b++) {
      const benchError = rand() < 0.02 ? 'port_missing' : undefined;
      const tests: SyntheticTest[] = benchError
        ? []
        : Array.from({ length: o.testsPerBench }, (_, t) => {
            const x = rand();
            const flakyTest = t % 17 === 3;
            const state: RunTestState =
              x < 0.01 ? 'failed' : flakyTest && x < 0.15 ? 'flaky' : x > 0.995 ? 'skipped' : 'passed';
            return {
              suite: `suite${Math.floor(t / 6)}`,
              name: `test ${t}`,
              state,
              durationMs: 50 + rand() * 400,
            };
          });
      const drift = n / o.nights;
      yield {
        name: `${night}/bench${b}`,
        run: {
          bench: `bench${b}`,
          night,
          commit: `c${n.toString(16).padStart(6, '0')}`,
          tests,
          ...(benchError ? { benchError } : {}),
          latencyMs: Array.from({ length: 20 }, () => 5 + rand() * 10 + drift * 8),
          pwmError: 2 + drift * 10 + rand() * 4,
          bootMs: 100 + rand() * 40,
          readyMs: 500 + rand() * 200,
        },
      };
    }
  }
}
