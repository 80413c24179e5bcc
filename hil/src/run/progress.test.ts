import { describe, expect, it } from 'vitest';
import { createProgress } from './progress';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) } };
}

describe('progress output', () => {
  it('plain lines when not a TTY (no escape codes)', () => {
    const { out, stream } = sink(false);
    const p = createProgress(stream);
    p.stage('ready', 'start');
    p.stage('ready', 'ok', 'ws://x', 12.4);
    p.test('failed', 'pwm › sweep', 40);
    p.done();
    expect(out.join('')).toBe(
      'stage ready: start\nstage ready: ok (12 ms) — ws://x\n  FAIL pwm › sweep (40 ms)\n',
    );
  });

  it("a FAIL line says why: the test's own message, then the rest of it and the stack frames indented", () => {
    const { out, stream } = sink(false);
    const p = createProgress(stream);
    p.test('failed', 'pwm › sweep', 40, {
      message: 'duty 0.5: measured 300, expected 512 ± 20\nduty 0.9: measured 10',
      stack: 'AssertionError: duty 0.5\n    at sweep (suites/30-pwm.hil.ts:12:5)',
    });
    expect(out.join('')).toBe(
      '  FAIL pwm › sweep (40 ms): duty 0.5: measured 300, expected 512 ± 20\n' +
        '      duty 0.9: measured 10\n      at sweep (suites/30-pwm.hil.ts:12:5)\n',
    );
  });

  it('a live status line with counts on a TTY', () => {
    const { out, stream } = sink(true);
    const p = createProgress(stream);
    p.stage('suites', 'start');
    p.test('passed', 'led › on', 3);
    p.test('flaky', 'pwm › sweep', 30);
    const text = out.join('');
    expect(text).toContain('\x1b[2K');
    expect(text).toContain('  PASS led › on (3 ms)\n');
    expect(text).toMatch(/\[suites\] pwm › sweep {2}✓ 1 {2}✗ 0 {2}~ 1$/);
  });
});
