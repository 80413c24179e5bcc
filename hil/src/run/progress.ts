/** Where the runner reports what it is doing: a TTY status line or plain lines (CI logs). */
export interface ProgressSink {
  stage(name: string, status: 'start' | 'ok' | 'failed' | 'skipped', detail?: string, ms?: number): void;
  test(state: 'passed' | 'failed' | 'flaky' | 'skipped', name: string, ms: number): void;
  info(line: string): void;
  done(): void;
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
  const counts = { passed: 0, failed: 0, flaky: 0, skipped: 0 };
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
    test(state, name, ms) {
      counts[state]++;
      status = `[suites] ${name}`;
      const mark =
        state === 'passed' ? 'PASS' : state === 'failed' ? 'FAIL' : state === 'flaky' ? 'FLAKY' : 'SKIP';
      line(`  ${mark} ${name} (${Math.round(ms)} ms)`);
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
