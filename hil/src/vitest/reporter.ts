import { basename } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule } from 'vitest/node';
import type { HilTaskMeta } from '../fixtures';
import type { SweepPoint, TestRecord } from '../report/model';
import type { ProgressSink } from '../run/progress';
import type { HilSession } from '../session/types';
import type { EscapedError } from './escapes';

/** Context kept around a failure: this long before the test started and after it ended. */
export const EXCERPT_BEFORE_MS = 2000;
export const EXCERPT_AFTER_MS = 500;

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
    const err = result.state === 'failed' ? result.errors?.[0] : undefined;
    if (err) rec.error = { message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
    if (state === 'failed') {
      const s = this.session();
      if (s) {
        rec.serialExcerpt = s.serialLog.window(
          startedAt - EXCERPT_BEFORE_MS,
          startedAt + durationMs + EXCERPT_AFTER_MS,
        );
        rec.transcript = s.transcript.window(
          startedAt - EXCERPT_BEFORE_MS,
          startedAt + durationMs + EXCERPT_AFTER_MS,
        );
      }
    }
    if (meta?.sweep && state !== 'skipped') this.sweep.push(...meta.sweep);
    if (meta?.latencyMs && state !== 'skipped') this.latencyMs.push(...meta.latencyMs);
    this.tests.push(rec);
    this.progress.test(state, `${rec.suite} › ${rec.name}`, durationMs, rec.error);
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
      error: { message: e.message, ...(e.stack ? { stack: e.stack } : {}) },
    };
    this.tests.push(rec);
    this.progress.test('failed', rec.fullName, 0, rec.error);
  }
}
