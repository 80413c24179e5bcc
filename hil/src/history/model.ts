/**
 * history.json, format "esphil-hil-history" version 1 (documented in hil/README.md, "Nightly history").
 * `runs` is the memory carried from night to night; `groups` is derived from it on every build.
 */

export const HISTORY_FORMAT = 'esphil-hil-history';
export const HISTORY_VERSION = 1;

export type RunStatus = 'passed' | 'failed' | 'aborted' | 'bench_error';

/** A test's state in one run, as report.json has it ('aborted' comes with the run metadata of issue 11). */
export type RunTestState = 'passed' | 'failed' | 'flaky' | 'skipped' | 'aborted';

/**
 * One grid cell as one character, so a year of nights is a 365-character string per test:
 * P passed, F failed, K flaky (failed then passed on retry), S skipped, A aborted, B bench error (the run stopped
 * for a bench reason before this test ran), - no run that night or the test was not in it.
 */
export type CellCode = 'P' | 'F' | 'K' | 'S' | 'A' | 'B' | '-';

export const CELL_OF_STATE: Record<RunTestState, CellCode> = {
  passed: 'P',
  failed: 'F',
  flaky: 'K',
  skipped: 'S',
  aborted: 'A',
};

export const CELL_NAMES: Record<CellCode, string> = {
  P: 'passed',
  F: 'failed',
  K: 'flaky',
  S: 'skipped',
  A: 'aborted',
  B: 'bench error',
  '-': 'no run',
};

/** Per-run numbers the trend charts are drawn from (null: that run did not measure it). */
export interface RunMetrics {
  /** Whole run, report.json `durationMs`. */
  durationMs: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  /** Largest |measured - expected| over the PWM sweep, ADC counts. */
  pwmWorstError: number | null;
  /** The tolerance at that worst point. */
  pwmTolerance: number | null;
  /** The `reset` stage: from the reset pulse until the DUT is booting. */
  bootMs: number | null;
  /** The `ready` stage: waiting for the ready line plus the boot-settle window. */
  readyMs: number | null;
}

export interface RunTest {
  /** "suite › name". */
  id: string;
  state: RunTestState;
  durationMs: number;
}

/** What the history keeps of one report.json. */
export interface RunEntry {
  /** report.json `run.id`, or `<bench>@<startedAt>[#<shard>]` for reports written before it existed. */
  id: string;
  bench: string;
  /** "i/n", or null for an unsharded run. */
  shard: string | null;
  /** UTC date of `startedAt`, YYYY-MM-DD: the grid's column. */
  night: string;
  startedAt: string;
  status: RunStatus;
  commit: string | null;
  /** The bench error's code when the run stopped for a bench reason. */
  benchError: string | null;
  /** That run's report.html relative to the history folder (posix separators), null when it is not there. */
  report: string | null;
  tests: RunTest[];
  metrics: RunMetrics;
}

/** A night where something was seen: which run, on which commit. */
export interface NightRef {
  night: string;
  runId: string;
  commit: string | null;
}

export interface TestRow {
  id: string;
  /** One CellCode per night of the group, oldest first. */
  cells: string;
  /** Flaky nights / nights the test ran (passed, failed or flaky); null when it never ran in the window. */
  flakeRate: number | null;
  ranNights: number;
  flakyNights: number;
  /** From its latest night that ran: failed = red, passed or flaky = green. */
  status: 'red' | 'green' | 'unknown';
  /** Red now: the first failed night after the last green one (skipped, aborted, bench-error nights in between
   * neither break nor end the red streak). */
  firstRed: NightRef | null;
  /** The green night before firstRed (null: red through the whole window). */
  lastGreen: NightRef | null;
  /** `git log` range of the suspects: "<lastGreen.commit>..<firstRed.commit>", null without both commits. */
  commitRange: string | null;
  /** Test duration per night (ms), null where it did not run. */
  durationMs: (number | null)[];
}

/** Per night of a group, from the run shown in that column. */
export type GroupTrends = { [K in keyof RunMetrics]: (number | null)[] };

export interface GroupView {
  /** "<bench>" or "<bench> shard i/n". */
  key: string;
  bench: string;
  shard: string | null;
  /** Grid columns, oldest first. */
  nights: string[];
  /** Per night: the run shown (the latest one started that night), null for a night without one. */
  runIds: (string | null)[];
  tests: TestRow[];
  trends: GroupTrends;
}

export interface HistoryFile {
  format: typeof HISTORY_FORMAT;
  version: typeof HISTORY_VERSION;
  generatedAt: string;
  /** Calendar nights kept, ending at the newest run's night. */
  window: { nights: number; from: string | null; to: string | null };
  runs: RunEntry[];
  groups: GroupView[];
}
