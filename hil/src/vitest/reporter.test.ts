import { describe, expect, it } from 'vitest';
import type { TestCase } from 'vitest/node';
import { createProgress, silentProgress } from '../run/progress';
import { BoundedLog } from '../session/log';
import type { HilSession } from '../session/types';
import { errorType, failureReasons, HilReporter, SYSTEM_OUT_MAX_LINES, suiteName } from './reporter';

// Unit level: a TestCase-shaped stand-in carrying what vitest's reporter API gives.
function testCase(o: {
  state: 'passed' | 'failed' | 'skipped';
  retryCount?: number;
  flaky?: boolean;
  start?: number;
  duration?: number;
  meta?: object;
  errors?: object[];
}): TestCase {
  return {
    name: 'sweep',
    fullName: 'pwm sweep',
    module: { moduleId: '/x/suites/30-pwm.hil.ts' },
    result: () =>
      o.state === 'failed'
        ? { state: 'failed', errors: o.errors ?? [{ message: 'boom', stack: 'Error: boom', name: 'Error' }] }
        : { state: o.state, errors: o.errors },
    diagnostic: () => ({
      duration: o.duration ?? 40,
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

function sessionWith(lines: { at: number; text: string }[]): HilSession {
  const serialLog = new BoundedLog<{ at: number; text: string }>();
  for (const l of lines) serialLog.push(l);
  return { serialLog, transcript: new BoundedLog() } as unknown as HilSession;
}

describe('HilReporter for junit and console readers', () => {
  it('every test that ran gets the serial lines from its start to its end, bounded by SYSTEM_OUT_MAX_LINES', () => {
    const lines = [{ at: 999, text: 'before' }];
    for (let i = 0; i < SYSTEM_OUT_MAX_LINES + 5; i++) lines.push({ at: 1000 + (i % 40), text: `line ${i}` });
    lines.push({ at: 1041, text: 'after' });
    const r = new HilReporter(() => sessionWith(lines), silentProgress);
    r.onTestCaseResult(testCase({ state: 'passed', start: 1000, duration: 40 }));
    r.onTestCaseResult(testCase({ state: 'skipped', start: 1000 }));
    const out = r.tests[0]!.serialOut!;
    expect(out.omitted).toBe(5);
    expect(out.entries).toHaveLength(SYSTEM_OUT_MAX_LINES);
    expect(out.entries[0]!.text).toBe('line 5');
    expect(out.entries.at(-1)!.text).toBe(`line ${SYSTEM_OUT_MAX_LINES + 4}`);
    expect(r.tests[1]!.serialOut).toBeUndefined();
  });

  it('a flaky pass keeps every failed attempt with its type; a failed test keeps the later attempts', () => {
    const r = new HilReporter(() => null, silentProgress);
    const attempt1 = {
      message: 'led.set: timed out',
      name: 'DeviceClientError',
      code: 'timeout',
      stack: 's1',
    };
    r.onTestCaseResult(testCase({ state: 'passed', retryCount: 1, flaky: true, errors: [attempt1] }));
    const first = { message: 'expected 1 to be 2', name: 'AssertionError' };
    const second = { message: 'nope', name: 'HilError', code: 'never_ready' };
    r.onTestCaseResult(testCase({ state: 'failed', retryCount: 1, errors: [first, second] }));
    expect(r.tests[0]).toMatchObject({
      state: 'flaky',
      attemptErrors: [{ message: 'led.set: timed out', type: 'DeviceClientError.timeout', stack: 's1' }],
    });
    expect(r.tests[0]!.error).toBeUndefined();
    expect(r.tests[1]).toMatchObject({
      error: { message: 'expected 1 to be 2', type: 'AssertionError' },
      attemptErrors: [{ message: 'nope', type: 'HilError.never_ready' }],
    });
  });

  it('error types: the name the author set, else the constructor (as vitest serializes it), plus a stable code', () => {
    expect(errorType({ name: 'AssertionError', message: 'x' })).toBe('AssertionError');
    expect(errorType({ name: 'Error', constructor: 'Function<PlainSubclass>' })).toBe('PlainSubclass');
    expect(
      errorType({ name: 'DeviceClientError', code: 'connection_lost', constructor: 'Function<X>' }),
    ).toBe('DeviceClientError.connection_lost');
    expect(errorType(new TypeError('t'))).toBe('TypeError');
    expect(errorType(Object.assign(new Error('e'), { code: 'ECONNREFUSED' }))).toBe('Error.ECONNREFUSED');
    expect(errorType({ message: 'thrown string' })).toBe('Error');
    expect(errorType({ name: 'E', code: 'has spaces <x>' })).toBe('E');
    expect(errorType('str')).toBe('Error');
  });

  it("the FAIL line says why: the suite's message, then the sweep points out of tolerance, measured vs expected", () => {
    const out: string[] = [];
    const r = new HilReporter(() => null, createProgress({ write: (s: string) => out.push(s) }));
    const meta = {
      hil: {
        measurements: [
          { name: 'fan @ 10 %', expected: 102, measured: 104, tolerance: 32, unit: 'counts', ok: true },
          { name: 'fan @ 50 %', expected: 512, measured: 300, tolerance: 32, unit: 'counts', ok: false },
          { name: 'fan @ 90 %', expected: 921, measured: 610, tolerance: 32, unit: 'counts', ok: false },
        ],
      },
    };
    // What vitest reports for `expect(bad, 'sweep points outside tolerance').toEqual([])`: chai elides the array.
    const err = {
      name: 'AssertionError',
      message: 'sweep points outside tolerance: expected [ …(2) ] to deeply equal []',
      actual: "[\n  'fan @ 50 %: read 300',\n  'fan @ 90 %: read 610',\n]",
      stack: 'AssertionError: sweep points outside tolerance\n    at suites/30-pwm.hil.ts:25:3',
    };
    r.onTestCaseResult(testCase({ state: 'failed', meta, errors: [err] }));
    expect(out.join('').split('\n')).toEqual([
      '  FAIL pwm › sweep (40 ms): sweep points outside tolerance: expected [ …(2) ] to deeply equal []',
      '      fan @ 50 %: measured 300, expected 512 ±32 counts',
      '      fan @ 90 %: measured 610, expected 921 ±32 counts',
      '      actual: [',
      "      'fan @ 50 %: read 300',",
      "      'fan @ 90 %: read 610',",
      '      ]',
      '      at suites/30-pwm.hil.ts:25:3',
      '',
    ]);
  });

  it('a flaky line names what failed first; reasons stay empty without out-of-tolerance data', () => {
    const out: string[] = [];
    const r = new HilReporter(() => null, createProgress({ write: (s: string) => out.push(s) }));
    r.onTestCaseResult(
      testCase({
        state: 'passed',
        retryCount: 1,
        errors: [{ message: 'led.set: timed out\nmore', name: 'E' }],
      }),
    );
    expect(out.join('')).toBe('  FLAKY pwm › sweep (40 ms): led.set: timed out\n');
    expect(failureReasons([], { message: 'expected 600 to be close to 512', actual: '600' })).toEqual([]);
  });
});
