/**
 * Reads one report.json (HilReport, hil/src/report/model.ts) into what the history keeps of it. The file is
 * untrusted: everything used is checked, a foreign or malformed file is a HistoryError naming the field, and
 * optional parts (the `run` metadata, stages, sweep, latency) are simply absent when missing or wrong.
 */
import { HistoryError } from './errors';
import type { RunEntry, RunMetrics, RunStatus, RunTest, RunTestState } from './model';

/** Limits for one report.json; defaults fit a long nightly run with room to spare. */
export interface ReportLimits {
  maxBytes: number;
  maxTests: number;
}

export const DEFAULT_REPORT_LIMITS: ReportLimits = { maxBytes: 16 * 1024 * 1024, maxTests: 20_000 };

const TEST_STATES: readonly RunTestState[] = ['passed', 'failed', 'flaky', 'skipped', 'aborted'];
const RUN_STATUSES: readonly RunStatus[] = ['passed', 'failed', 'aborted', 'bench_error'];

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function invalid(field: string, what: string): HistoryError {
  return new HistoryError(
    'report_invalid',
    `${field} ${what}`,
    'the file is not a report.json written by `hil run`, or it was cut off or edited',
  );
}

/** Parses and validates the text of one report.json. */
export function readReport(
  text: string,
  limits: ReportLimits = DEFAULT_REPORT_LIMITS,
): Omit<RunEntry, 'report'> {
  if (text.length > limits.maxBytes) {
    throw new HistoryError('report_too_large', `larger than ${limits.maxBytes} bytes`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new HistoryError('report_not_json', `not JSON (${(e as Error).message})`);
  }
  if (!isObj(data) || data.tool !== 'esphil-hil') {
    throw new HistoryError('report_foreign', 'not an esphil HIL report (no "tool": "esphil-hil")');
  }
  if (data.version !== 1)
    throw new HistoryError('report_foreign', `report version ${String(data.version)} is not 1`);
  const bench = isObj(data.bench) ? str(data.bench.name) : null;
  if (!bench) throw invalid('bench.name', 'is missing');
  const startedAt = str(data.startedAt);
  if (!startedAt || Number.isNaN(Date.parse(startedAt))) throw invalid('startedAt', 'is not a date');
  const shard = readShard(data.shard);
  const run = isObj(data.run) ? data.run : null;
  const iso = new Date(Date.parse(startedAt)).toISOString();
  return {
    id: (run && str(run.id)) || `${bench}@${iso}${shard ? `#${shard}` : ''}`,
    bench,
    shard,
    night: iso.slice(0, 10),
    startedAt: iso,
    status: runStatus(data, run),
    commit: (run && str(run.commit)) || null,
    benchError: isObj(data.benchError) ? (str(data.benchError.code) ?? 'unknown') : null,
    tests: readTests(data.tests, limits.maxTests),
    metrics: readMetrics(data),
  };
}

function readShard(v: unknown): string | null {
  if (!isObj(v)) return null;
  const index = num(v.index);
  const count = num(v.count);
  return index !== null && count !== null ? `${index}/${count}` : null;
}

function runStatus(data: Obj, run: Obj | null): RunStatus {
  const given = run ? str(run.status) : null;
  if (given && (RUN_STATUSES as readonly string[]).includes(given)) return given as RunStatus;
  if (isObj(data.benchError)) return 'bench_error';
  return data.exitCode === 0 ? 'passed' : 'failed';
}

function readTests(v: unknown, maxTests: number): RunTest[] {
  if (!Array.isArray(v)) throw invalid('tests', 'is not a list');
  if (v.length > maxTests) throw new HistoryError('report_too_large', `more than ${maxTests} tests`);
  return v.map((t, i) => {
    if (!isObj(t)) throw invalid(`tests[${i}]`, 'is not an object');
    const suite = str(t.suite);
    const name = str(t.name);
    if (suite === null || name === null) throw invalid(`tests[${i}]`, 'has no suite or name');
    const state = str(t.state);
    if (!state || !(TEST_STATES as readonly string[]).includes(state)) {
      throw invalid(`tests[${i}].state`, `"${String(t.state)}" is not one of ${TEST_STATES.join(', ')}`);
    }
    return { id: `${suite} › ${name}`, state: state as RunTestState, durationMs: num(t.durationMs) ?? 0 };
  });
}

function stageMs(stages: unknown, name: string): number | null {
  if (!Array.isArray(stages)) return null;
  const s = stages.find((x) => isObj(x) && x.name === name && x.status === 'ok');
  return s ? num((s as Obj).durationMs) : null;
}

function worstSweepPoint(sweep: unknown): { error: number; tolerance: number } | null {
  if (!Array.isArray(sweep)) return null;
  let worst: { error: number; tolerance: number; ratio: number } | null = null;
  for (const p of sweep) {
    if (!isObj(p)) continue;
    const expected = num(p.expected);
    const measured = num(p.measured);
    const tolerance = num(p.tolerance);
    if (expected === null || measured === null || tolerance === null) continue;
    const error = Math.abs(measured - expected);
    const ratio = tolerance > 0 ? error / tolerance : error;
    if (!worst || ratio > worst.ratio) worst = { error, tolerance, ratio };
  }
  return worst && { error: worst.error, tolerance: worst.tolerance };
}

function readMetrics(data: Obj): RunMetrics {
  const latency = isObj(data.latency) ? data.latency : null;
  const worst = worstSweepPoint(data.pwmSweep);
  return {
    durationMs: num(data.durationMs) ?? 0,
    latencyP50Ms: latency ? num(latency.p50) : null,
    latencyP99Ms: latency ? num(latency.p99) : null,
    pwmWorstError: worst?.error ?? null,
    pwmTolerance: worst?.tolerance ?? null,
    bootMs: stageMs(data.stages, 'reset'),
    readyMs: stageMs(data.stages, 'ready'),
  };
}
