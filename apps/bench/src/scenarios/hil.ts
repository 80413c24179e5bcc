/**
 * Scenario 5: HIL run wall time on the simulated bench with the `zero` and `wifi` latency profiles,
 * split by stage (the report's stage records) and into busy CPU (runner, vitest, sim computation) against
 * waiting (timers: the modelled physics and latency: RC settling, reset pulses, boot/WiFi join, debounce).
 */
import { type ResultRow, row } from '../result';
import { median } from '../stats';

export type HilLatency = 'zero' | 'wifi';

/**
 * The fields of @esphil/hil's HilReport (report.json) this scenario reads. Declared here rather than imported:
 * type-checking hil's sources from this package trips over hil's ambient johnny-five declarations.
 */
export interface HilReportPart {
  durationMs: number;
  stages: { name: string; status: string; durationMs: number }[];
  tests: { suite: string; durationMs: number }[];
  summary: { total: number; failed: number };
}

export interface HilRun {
  exitCode: number;
  report: HilReportPart;
  /** Spawn to exit (includes Node start-up and module loading); equals report.durationMs in-process. */
  processWallMs: number;
  /** CPU the run's process spent (user + system); null when it shares a process with other work. */
  cpuMs: number | null;
  /** CPU spent between the CLI's first output and its summary line: the runner's work inside the run. */
  runCpuMs: number | null;
  /** Spawn to the CLI's first output (Node start-up, module loading); null in-process. */
  startupMs: number | null;
  /** The CLI's summary line to process exit (handles left open keep the process alive); null in-process. */
  shutdownMs: number | null;
}

export type HilRunner = (latency: HilLatency) => Promise<HilRun>;

export interface HilOptions {
  warmupRuns: number;
  /** Measured runs per profile, alternating zero / wifi. */
  runs: number;
}

export const HIL_DEFAULTS: HilOptions = { warmupRuns: 1, runs: 2 };

export interface HilProfileResult {
  runs: number;
  wallMs: number;
  processWallMs: number;
  cpuMs: number | null;
  runCpuMs: number | null;
  startupMs: number | null;
  shutdownMs: number | null;
  stagesMs: Record<string, number>;
  suitesMs: Record<string, number>;
  tests: number;
  failed: number;
}

export interface HilResult {
  byProfile: Record<HilLatency, HilProfileResult>;
  rows: ResultRow[];
}

function medianBy(
  runs: readonly HilRun[],
  pick: (r: HilRun) => Record<string, number>,
): Record<string, number> {
  const keys = new Set(runs.flatMap((r) => Object.keys(pick(r))));
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = median(runs.map((r) => pick(r)[k] ?? 0));
  return out;
}

function aggregate(runs: readonly HilRun[]): HilProfileResult {
  const known = (xs: (number | null)[]): number | null => {
    const ok = xs.filter((x): x is number => x !== null);
    return ok.length ? median(ok) : null;
  };
  return {
    runs: runs.length,
    wallMs: median(runs.map((r) => r.report.durationMs)),
    processWallMs: median(runs.map((r) => r.processWallMs)),
    cpuMs: known(runs.map((r) => r.cpuMs)),
    runCpuMs: known(runs.map((r) => r.runCpuMs)),
    startupMs: known(runs.map((r) => r.startupMs)),
    shutdownMs: known(runs.map((r) => r.shutdownMs)),
    stagesMs: medianBy(runs, (r) => Object.fromEntries(r.report.stages.map((s) => [s.name, s.durationMs]))),
    suitesMs: medianBy(runs, (r) => {
      const m: Record<string, number> = {};
      for (const t of r.report.tests) m[t.suite] = (m[t.suite] ?? 0) + t.durationMs;
      return m;
    }),
    tests: runs[0]?.report.summary.total ?? 0,
    failed: Math.max(0, ...runs.map((r) => r.report.summary.failed)),
  };
}

export async function runHilScenario(runner: HilRunner, opts: HilOptions = HIL_DEFAULTS): Promise<HilResult> {
  for (let i = 0; i < opts.warmupRuns; i++) await runner('zero');
  const runs: Record<HilLatency, HilRun[]> = { zero: [], wifi: [] };
  for (let i = 0; i < opts.runs; i++) {
    const order: HilLatency[] = i % 2 === 0 ? ['zero', 'wifi'] : ['wifi', 'zero'];
    for (const p of order) runs[p].push(await runner(p));
  }
  const byProfile = { zero: aggregate(runs.zero), wifi: aggregate(runs.wifi) };
  return { byProfile, rows: hilRows(byProfile) };
}

function hilRows(b: HilResult['byProfile']): ResultRow[] {
  const scenario = '5 HIL on the sim';
  const z = b.zero;
  const w = b.wifi;
  const rows: ResultRow[] = [
    row({
      scenario,
      metric: `HIL run wall time, zero latency (${z.tests} tests, ${z.failed} failed)`,
      value: z.wallMs,
      unit: 'ms',
      n: z.runs,
      baseline: { name: `same suite, wifi latency (${w.failed} failed)`, value: w.wallMs },
    }),
    row({
      scenario,
      metric: 'HIL process wall time incl. Node/vitest start-up, zero latency',
      value: z.processWallMs,
      unit: 'ms',
      n: z.runs,
      baseline: { name: 'wifi latency', value: w.processWallMs },
    }),
  ];
  for (const [what, v] of [
    ['CLI start-up (spawn -> first output)', z.startupMs],
    ['CLI shutdown (summary line -> process exit)', z.shutdownMs],
  ] as const) {
    if (v !== null)
      rows.push(row({ scenario, metric: `${what}, zero latency`, value: v, unit: 'ms', n: z.runs }));
  }
  if (z.runCpuMs !== null) {
    rows.push(
      row({
        scenario,
        metric: 'runner work inside the run, zero latency: CPU between first output and summary line',
        value: z.runCpuMs,
        unit: 'ms',
        n: z.runs,
        baseline: { name: 'runHil wall time', value: z.wallMs },
        target: 'most of the run is modelled physics, not the runner: runner CPU < 50 % of the run wall time',
        met: z.runCpuMs < 0.5 * z.wallMs,
      }),
    );
  }
  if (z.cpuMs !== null) {
    rows.push(
      row({
        scenario,
        metric: 'HIL CLI process CPU in all (start-up, run, shutdown), zero latency',
        value: z.cpuMs,
        unit: 'ms',
        n: z.runs,
        baseline: { name: 'process wall time', value: z.processWallMs },
      }),
    );
  }
  for (const [profile, r] of [
    ['zero', z],
    ['wifi', w],
  ] as const) {
    for (const [stage, ms] of Object.entries(r.stagesMs)) {
      if (ms <= 0) continue;
      rows.push(row({ scenario, metric: `stage ${stage} (${profile})`, value: ms, unit: 'ms', n: r.runs }));
    }
    for (const [suite, ms] of Object.entries(r.suitesMs)) {
      rows.push(
        row({ scenario, metric: `suite ${suite} tests (${profile})`, value: ms, unit: 'ms', n: r.runs }),
      );
    }
  }
  return rows;
}
