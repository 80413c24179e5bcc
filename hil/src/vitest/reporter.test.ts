import { describe, expect, it } from 'vitest';
import type { TestCase } from 'vitest/node';
import { silentProgress } from '../run/progress';
import { BoundedLog } from '../session/log';
import type { HilSession } from '../session/types';
import { HilReporter, suiteName } from './reporter';

// Unit level: a TestCase-shaped stand-in carrying what vitest's reporter API gives.
function testCase(o: {
  state: 'passed' | 'failed' | 'skipped';
  retryCount?: number;
  flaky?: boolean;
  start?: number;
  meta?: object;
}): TestCase {
  return {
    name: 'sweep',
    fullName: 'pwm sweep',
    module: { moduleId: '/x/suites/30-pwm.hil.ts' },
    result: () =>
      o.state === 'failed'
        ? { state: 'failed', errors: [{ message: 'boom', stack: 'Error: boom' }] }
        : { state: o.state },
    diagnostic: () => ({
      duration: 40,
      startTime: o.start ?? 1000,
      retryCount: o.retryCount ?? 0,
      flaky: o.flaky ?? false,
    }),
    meta: () => o.meta ?? {},
  } as unknown as TestCase;
}

describe('HilReporter', () => {
  it('names suites from file names', () => {
    expect(suiteName('/a/10-boot.hil.ts')).toBe('boot');
    expect(suiteName('/a/custom.hil.mjs')).toBe('custom');
  });

  it('a test that passed after retries is flaky, never a plain pass', () => {
    const r = new HilReporter(() => null, silentProgress);
    r.onTestCaseResult(testCase({ state: 'passed', retryCount: 2, flaky: true }));
    r.onTestCaseResult(testCase({ state: 'passed' }));
    expect(r.tests.map((t) => [t.state, t.retries])).toEqual([
      ['flaky', 2],
      ['passed', 0],
    ]);
  });

  it('a failure carries its error, hint, measurements and the serial/WebSocket context around it', () => {
    const serialLog = new BoundedLog<{ at: number; text: string }>();
    const transcript = new BoundedLog<{
      at: number;
      dir: 'in' | 'out' | 'meta';
      conn: string;
      text: string;
    }>();
    serialLog.push({ at: 1000, text: 'long before' });
    serialLog.push({ at: 4500, text: 'just before' });
    transcript.push({ at: 5010, dir: 'out', conn: 'dut', text: '{"id":3,"op":"pwm.set"}' });
    transcript.push({ at: 9000, dir: 'in', conn: 'dut', text: 'much later' });
    const session = { serialLog, transcript } as unknown as HilSession;
    const r = new HilReporter(() => session, silentProgress);
    const meta = {
      hil: {
        measurements: [{ name: 'fan', expected: 512, measured: 600, ok: false }],
        hint: 'run `hil doctor`',
        sweep: [{ duty: 0.5, expected: 512, measured: 600, tolerance: 30 }],
      },
    };
    r.onTestCaseResult(testCase({ state: 'failed', start: 5000, meta }));
    const t = r.tests[0]!;
    expect(t).toMatchObject({
      suite: 'pwm',
      state: 'failed',
      error: { message: 'boom' },
      hint: 'run `hil doctor`',
    });
    expect(t.measurements).toHaveLength(1);
    expect(t.serialExcerpt?.map((e) => e.text)).toEqual(['just before']);
    expect(t.transcript?.map((e) => e.text)).toEqual(['{"id":3,"op":"pwm.set"}']);
    expect(r.sweep).toEqual(meta.hil.sweep);
  });
});
