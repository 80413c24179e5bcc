/** Where the runner reports what it is doing: a TTY status line or plain lines (CI logs). */
export interface ProgressSink {
  stage(
    name: string,
    status: 'start' | 'ok' | 'failed' | 'skipped' | 'aborted',
    detail?: string,
    ms?: number,
  ): void;
  /**
   * `error`: why a test failed: its own message's first line on the FAIL line; under it the `reasons` (measured vs
   * expected of what was out of tolerance), the rest of the message and the first stack frames.
   */
  test(
    state: 'passed' | 'failed' | 'flaky' | 'skipped' | 'aborted',
    name: string,
    ms: number,
    error?: TestFailureWhy,
  ): void;
  info(line: string): void;
  done(): void;
}

export interface TestFailureWhy {
  message: string;
  stack?: string;
  reasons?: readonly string[];
}

export const silentProgress: ProgressSink = {
  stage() {},
  test() {},
  info() {},
  done() {},
};

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** Plain lines when not a TTY; on a TTY a live status line (stage, current test, counts) under the log. */
export function createProgress(out: ProgressStream): ProgressSink {
  const tty = !!out.isTTY;
  const counts = { passed: 0, failed: 0, flaky: 0, skipped: 0, aborted: 0 };
  let status = '';
  const clear = () => {
    if (tty && status) out.write('\r\x1b[2K');
  };
  const draw = () => {
    if (!tty) return;
    out.write(`\r\x1b[2K${status}  ✓ ${counts.passed}  ✗ ${counts.failed}  ~ ${counts.flaky}`);
  };
  const line = (s: string) => {
    clear();
    out.write(`${s}\n`);
    draw();
  };
  return {
    stage(name, st, detail, ms) {
      if (st === 'start') {
        status = `[${name}] …`;
        if (tty) draw();
        else out.write(`stage ${name}: start\n`);
        return;
      }
      line(
        `stage ${name}: ${st}${ms !== undefined ? ` (${Math.round(ms)} ms)` : ''}${detail ? ` — ${detail}` : ''}`,
      );
    },
    test(state, name, ms, error) {
      counts[state]++;
      status = `[suites] ${name}`;
      const mark = TEST_MARKS[state];
      const why = error ? `: ${firstLine(error.message)}` : '';
      line(`  ${mark} ${name} (${Math.round(ms)} ms)${why}`);
      const detail = error ? indentedDetail(error) : '';
      if (detail) line(detail);
    },
    info(s) {
      line(s);
    },
    done() {
      clear();
      status = '';
    },
  };
}

const TEST_MARKS = {
  passed: 'PASS',
  failed: 'FAIL',
  flaky: 'FLAKY',
  skipped: 'SKIP',
  aborted: 'ABORT',
} as const;

/** Lines of an error kept under a FAIL line: the rest of the message and the first frames of the stack. */
export const FAIL_DETAIL_LINES = 12;

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

function indentedDetail(error: TestFailureWhy): string {
  const rest = error.message.split('\n').slice(1);
  const frames = (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  return [...(error.reasons ?? []), ...rest, ...frames]
    .slice(0, FAIL_DETAIL_LINES)
    .map((l) => `      ${l.trim()}`)
    .join('\n');
}
