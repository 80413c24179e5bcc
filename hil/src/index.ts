export {
  DEFAULT_DUT_BAUD,
  DEFAULT_PROBE_BAUD,
  DEFAULT_TIMEOUTS,
  DEFAULT_TOLERANCES,
  MAX_BENCH_FILE_BYTES,
} from './bench/defaults';
export { defineBench } from './bench/define';
export { loadBench } from './bench/load';
export type * from './bench/types';
export { formatIssues, resolveBench } from './bench/validate';
export * from './dut/index';
export {
  EXIT_BENCH_ERROR,
  EXIT_DUT_FAILED,
  EXIT_OK,
  HilError,
  type HilErrorCode,
  isHilError,
} from './errors';
// The vitest fixtures live in '@esphil/hil/test': importing them needs a running vitest, the Node API must not.
export type { HilFixtures, HilTaskMeta } from './fixtures';
export { buildHistory, DEFAULT_NIGHTS } from './history/build';
export { type HistoryArgs, type HistoryResult, writeHistory } from './history/command';
export { HistoryError, type HistoryErrorCode, type HistoryWarning } from './history/errors';
export { expandInputs } from './history/inputs';
export { loadReports } from './history/load';
export type * from './history/model';
export { renderHistoryPage } from './history/page';
export { DEFAULT_REPORT_LIMITS, readReport } from './history/read-report';
export { fleetHistory, type SyntheticRun, syntheticReport, writeSyntheticRun } from './history/synthetic';
export {
  acquireLock,
  type BenchLock,
  canonicalPort,
  DEFAULT_LOCK_DIR,
  describeHolder,
  LOCK_POLL_MS,
  type LockHolder,
  type LockOptions,
  lockFileFor,
  readHolder,
} from './lock/lock';
export { type Board, ProbeMonitor } from './probe/monitor';
export { type BenchErrorContext, errorContext, withContext } from './report/attach';
export { type RenderHtmlOptions, renderHtml } from './report/html';
export { escapeXml, mergeJunit, renderJunit } from './report/junit';
export type * from './report/model';
export { latencyStats, percentile, summarize } from './report/model';
export { crashFindings, findCrashes } from './report/panic';
export { writeReports } from './report/write';
export { reportDir } from './run/paths';
export { createProgress, type ProgressSink, silentProgress } from './run/progress';
export { DEFAULT_OUT_DIR, type RunHilOptions, type RunHilResult, runHil } from './run/run-hil';
export { parseShard, type Shard, shardSuites } from './run/shard';
export { getSession } from './session/registry';
export type { HilSession, SerialFixture } from './session/types';
export { checkWiring, targetOfPin } from './wiring/check';
