import { basename } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import type { HilTaskMeta } from '../fixtures';
import type { Measurement, SweepPoint, TestErrorRecord, TestRecord } from '../report/model';
import type { ProgressSink, TestFailureWhy } from '../run/progress';
import type { HilSession } from '../session/types';
import type { EscapedError } from './escapes';

/** Context kept around a failure: this long before the test started and after it ended. */
export const EXCERPT_BEFORE_MS = 2000;
export const EXCERPT_AFTER_MS = 500;
/** Serial lines kept per test for its junit `<system-out>` (the latest; serial.log has every line). */
export const SYSTEM_OUT_MAX_LINES = 200;

const ERROR_CODE = /^[A-Za-z][\w.-]{0,63}$/;

/**
 * The error's class for junit `type=` and the reports: its `name` when the author set one (AssertionError,
 * DeviceClientError, HilError), else its constructor's (vitest serializes it as "Function<Name>"), with the error's
 * stable `code` when it has one: `DeviceClientError.timeout`, `HilError.never_ready`.
 */
export function errorType(e: unknown): string {
  if (typeof e !== 'object' || e === null) return 'Error';
  const { name, code, constructor: ctor } = e as { name?: unknown; code?: unknown; constructor?: unknown };
  const ctorName =
    typeof ctor === 'function'
      ? ctor.name
      : typeof ctor === 'string'
        ? (/^Function<(.+)>$/.exec(ctor)?.[1] ?? '')
        : '';
  const cls =
    typeof name === 'string' && name && name !== 'Error'
      ? name
      : ctorName && ctorName !== 'Object' && ctorName !== 'anonymous'
        ? ctorName
        : typeof name === 'string' && name
          ? name
          : 'Error';
  return typeof code === 'string' && ERROR_CODE.test(code) ? `${cls}.${code}` : cls;
}

export function toErrorRecord(e: { message: string; stack?: string }): TestErrorRecord {
  return { message: e.message, ...(e.stack ? { stack: e.stack } : {}), type: errorType(e) };
}

function measurementLine(m: Measurement): string {
  const tol = m.tolerance !== undefined ? ` ±${m.tolerance}` : '';
  return `${m.name}: measured ${String(m.measured)}, expected ${String(m.expected)}${tol}${m.unit ? ` ${m.unit}` : ''}`;
}

/**
 * Why a test failed, for the console: the suite's out-of-tolerance measurements (measured vs expected), and when the
 * assertion message elides its value (chai prints "expected [ …(2) ] to deeply equal []") the value itself.
 */
export function failureReasons(measurements: readonly Measurement[], err: unknown): string[] {
  const reasons = measurements.filter((m) => !m.ok).map(measurementLine);
  const { message, actual } = (err ?? {}) as { message?: unknown; actual?: unknown };
  const first = typeof message === 'string' ? (message.split('\n')[0] ?? '') : '';
  if (/…\(\d+\)/.test(first) && typeof actual === 'string' && actual) {
    reasons.push(...`actual: ${actual}`.split('\n'));
  }
  return reasons;
}

export function suiteName(file: string): string {
  return basename(file)
    .replace(/\.hil\.[cm]?[jt]s$/, '')
    .replace(/\.test\.[cm]?[jt]s$/, '')
    .replace(/^\d+-/, '');
}

/** Feeds vitest's results into the HIL report model (runs in the CLI process, next to the live session). */
export class HilReporter implements Reporter {
  readonly tests: TestRecord[] = [];
  readonly sweep: SweepPoint[] = [];
  readonly latencyMs: number[] = [];
  readonly moduleErrors: string[] = [];

  constructor(
    private readonly session: () => HilSession | null,
    private readonly progress: ProgressSink,
  ) {}

  onTestCaseResult(tc: TestCase): void {
    const result = tc.result();
    const diag = tc.diagnostic();
    const meta = (tc.meta() as { hil?: HilTaskMeta }).hil;
    const retries = diag?.retryCount ?? 0;
    const state: TestRecord['state'] =
      result.state === 'failed'
        ? 'failed'
        : result.state === 'passed'
          ? retries > 0 || diag?.flaky
            ? 'flaky'
            : 'passed'
          : 'skipped';
    const startedAt = diag?.startTime ?? Date.now();
    const durationMs = diag?.duration ?? 0;
    const rec: TestRecord = {
      suite: suiteName(tc.module.moduleId),
      name: tc.name,
      fullName: tc.fullName,
      state,
      durationMs,
      retries,
      startedAt,
      measurements: meta?.measurements ?? [],
    };
    if (meta?.hint) rec.hint = meta.hint;
    // A skip says why (ctx.skip(note): a capability the DUT lacks, an abort): never a silent skip in the reports.
    if (result.state === 'skipped' && result.note) rec.skipReason = result.note;
    // With retries vitest keeps every attempt's errors, in order (TestResultPassed.errors: "If test was retried
    // successfully, errors will still be reported").
    const errors = (result.state === 'skipped' ? [] : (result.errors ?? [])).map(toErrorRecord);
    if (state === 'failed' && errors[0]) rec.error = errors[0];
    const attempts = state === 'failed' ? errors.slice(1) : state === 'flaky' ? errors : [];
    if (attempts.length > 0) rec.attemptErrors = attempts;
    const s = this.session();
    if (s && state !== 'skipped') {
      // The test's own start time and duration, stamped by vitest's runner when the test starts: reporter events come
      // through a 100 ms throttle (@vitest/runner sendTasksUpdateThrottled), so a log mark taken here would be late.
      rec.serialOut = s.serialLog.between(startedAt, startedAt + durationMs, SYSTEM_OUT_MAX_LINES);
    }
    if (state === 'failed' && s) {
      rec.serialExcerpt = s.serialLog.window(
        startedAt - EXCERPT_BEFORE_MS,
        startedAt + durationMs + EXCERPT_AFTER_MS,
      );
      rec.transcript = s.transcript.window(
        startedAt - EXCERPT_BEFORE_MS,
        startedAt + durationMs + EXCERPT_AFTER_MS,
      );
    }
    if (meta?.sweep && state !== 'skipped') this.sweep.push(...meta.sweep);
    if (meta?.latencyMs && state !== 'skipped') this.latencyMs.push(...meta.latencyMs);
    this.tests.push(rec);
    this.progress.test(state, `${rec.suite} › ${rec.name}`, durationMs, this.why(rec, result.errors?.[0]));
  }

  private why(rec: TestRecord, raw: unknown): TestFailureWhy | undefined {
    if (rec.state === 'skipped' && rec.skipReason) return { message: rec.skipReason };
    if (rec.state === 'failed' && rec.error) {
      const reasons = failureReasons(rec.measurements, raw);
      return { ...rec.error, ...(reasons.length ? { reasons } : {}) };
    }
    // A flaky pass says what failed first, on its FLAKY line only.
    const first = rec.attemptErrors?.[0];
    return rec.state === 'flaky' && first ? { message: first.message.split('\n')[0] ?? '' } : undefined;
  }

  onTestModuleEnd(mod: TestModule): void {
    // A suite file that fails to load has no test cases: report it as a failed test so it cannot pass silently.
    for (const e of mod.errors()) {
      this.moduleErrors.push(e.message);
      this.pushFailure(suiteName(mod.moduleId), '(suite file)', e);
    }
  }

  /** Errors vitest itself caught outside any test result (its "Unhandled Errors"): each fails the run. */
  onTestRunEnd(_modules: readonly TestModule[], unhandled: readonly SerializedError[]): void {
    const known = new Set(this.tests.map((t) => t.error?.message.split('\n')[0]));
    for (const e of unhandled) {
      if (known.has(e.message.split('\n')[0])) continue; // already failed the test it escaped from
      const testName = (e as { VITEST_TEST_NAME?: string }).VITEST_TEST_NAME;
      const file = (e as { VITEST_TEST_PATH?: string }).VITEST_TEST_PATH;
      this.pushFailure(
        file ? suiteName(file) : '(run)',
        testName ? `(unhandled error after "${testName}")` : '(unhandled error)',
        e,
      );
    }
  }

  /** Errors that escaped while no test was running (between tests, in a suite's hooks): each fails the run. */
  addEscaped(escaped: readonly EscapedError[]): void {
    for (const x of escaped) {
      const e = x.error instanceof Error ? x.error : new Error(String(x.error));
      this.pushFailure('(run)', `(${x.source} outside any test${x.test ? `, after "${x.test}"` : ''})`, e);
    }
  }

  private pushFailure(suite: string, name: string, e: { message: string; stack?: string }): void {
    const rec: TestRecord = {
      suite,
      name,
      fullName: `${suite} ${name}`,
      state: 'failed',
      durationMs: 0,
      retries: 0,
      startedAt: Date.now(),
      measurements: [],
      error: toErrorRecord(e),
    };
    this.tests.push(rec);
    this.progress.test('failed', rec.fullName, 0, rec.error);
  }
}
