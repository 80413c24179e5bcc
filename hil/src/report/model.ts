/** The run's report: what junit.xml, report.json and report.html are written from. */

import type { CrashBlock } from './panic';

export type { Backtrace, BacktraceFrame, CrashBlock, CrashKind } from './panic';

export type StageName =
  | 'bench'
  | 'lock'
  | 'flash'
  | 'reset'
  | 'ready'
  | 'provision'
  | 'connect'
  | 'probe'
  | 'wiring'
  | 'suites'
  | 'report';

export interface StageRecord {
  name: StageName;
  /** `aborted`: the stage that was running when the run was interrupted (SIGINT/SIGTERM, RunHilOptions.signal). */
  status: 'ok' | 'failed' | 'skipped' | 'aborted';
  startedAt: number;
  durationMs: number;
  detail?: string;
  /** Stage flash: each file written (esptool-js path). */
  files?: FlashFileRecord[];
}

/** One file the flash stage wrote: what, where, and how fast. */
export interface FlashFileRecord {
  name: string;
  offset: number;
  bytes: number;
  ms: number;
  bytesPerSecond: number;
}

/** One checked quantity: what the model expects and what the bench measured. */
export interface Measurement {
  name: string;
  expected: number | string | boolean;
  measured: number | string | boolean | null;
  tolerance?: number;
  unit?: string;
  ok: boolean;
}

export interface TranscriptEntry {
  at: number;
  dir: 'out' | 'in' | 'meta';
  /** Which connection (client label). */
  conn: string;
  text: string;
}

export interface SerialLogEntry {
  at: number;
  text: string;
}

export type TestState = 'passed' | 'failed' | 'flaky' | 'skipped';

/** An error as the reports keep it. */
export interface TestErrorRecord {
  message: string;
  stack?: string;
  /** The error's class, with its stable code when it has one: `AssertionError`, `DeviceClientError.timeout`. */
  type?: string;
}

/** The serial lines logged while a test ran (its `<system-out>` in junit.xml), bounded. */
export interface SerialOut {
  entries: SerialLogEntry[];
  /** Earlier lines left out by the limit (the latest ones are kept). */
  omitted: number;
}

export interface TestRecord {
  /** Suite = test file name without extension, e.g. "led". */
  suite: string;
  name: string;
  fullName: string;
  state: TestState;
  durationMs: number;
  /** How many retries ran (0 = passed or failed first time). */
  retries: number;
  startedAt: number;
  error?: TestErrorRecord;
  /**
   * Errors of the other attempts when retries ran: for a flaky test every failed attempt's (junit `<flakyFailure>`),
   * for a failed test those after the first (`<rerunFailure>`).
   */
  attemptErrors?: TestErrorRecord[];
  hint?: string;
  /** Why a skipped test did not run, e.g. the capability the DUT lacks (src/dut/needs.ts). */
  skipReason?: string;
  measurements: Measurement[];
  /** Only kept for failures: the context around them. */
  serialExcerpt?: SerialLogEntry[];
  transcript?: TranscriptEntry[];
  /** Every serial line from the test's start to its end (all attempts), for every test that ran. */
  serialOut?: SerialOut;
}

export interface SweepPoint {
  duty: number;
  expected: number;
  measured: number;
  tolerance: number;
}

export interface LatencyStats {
  samplesMs: number[];
  p50: number;
  p95: number;
  p99: number;
}

/** The run's overall outcome, as the nightly history reads it. */
export type RunOutcome = 'passed' | 'failed' | 'aborted' | 'bench_error';

/** Run metadata: enough to tell which build, bench and arguments produced this report (hil/README.md). */
export interface RunMeta {
  /** Random UUID; the nightly history deduplicates runs by it. */
  id: string;
  status: RunOutcome;
  /** `git rev-parse HEAD` where the bench file lives (or the working directory); null outside a repository. */
  commit: string | null;
  /** Tracked files modified; null when there is no repository. */
  dirty: boolean | null;
  benchFile: string | null;
  benchSha256: string | null;
  /** The CLI arguments as given (empty for the Node API). */
  args: string[];
  simFaults: string[];
  host: string;
  versions: { node: string; pnpm: string | null; esphil: string };
  startedAt: string;
  endedAt: string;
}

export interface HilReport {
  tool: 'esphil-hil';
  version: 1;
  run: RunMeta;
  bench: { name: string; kind: string; file: string | null };
  command: 'run' | 'doctor';
  startedAt: string;
  durationMs: number;
  exitCode: number;
  shard: { index: number; count: number } | null;
  /** Set when the run stopped for a bench/infrastructure reason (exit 2). */
  benchError: { code: string; message: string; hint?: string } | null;
  /** Set when the run was interrupted: why (e.g. "SIGINT") and the stage that was cut (null: between stages). */
  aborted?: { reason: string; stage: StageName | null };
  stages: StageRecord[];
  tests: TestRecord[];
  summary: { total: number; passed: number; failed: number; flaky: number; skipped: number };
  pwmSweep: SweepPoint[];
  latency: LatencyStats | null;
  wiring: WiringFinding[];
  /** Crash output found in the serial log (report/panic.ts): panics, aborts, watchdogs, brownouts, reset lines. */
  crashes: CrashBlock[];
  fw: { version: string; board: string; device: string } | null;
}

export interface WiringFinding {
  wire: string;
  status: 'ok' | 'silent' | 'crossed' | 'untested';
  detail: string;
  /** For crossed: the wire whose probe pin showed this wire's signal. */
  otherWire?: string;
}

export function summarize(tests: readonly TestRecord[]): HilReport['summary'] {
  const count = (s: TestState) => tests.filter((t) => t.state === s).length;
  return {
    total: tests.length,
    passed: count('passed'),
    failed: count('failed'),
    flaky: count('flaky'),
    skipped: count('skipped'),
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    samplesMs: sorted,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}
