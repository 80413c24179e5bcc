import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';

let runner: IsolatedRunner;
beforeAll(async () => {
  runner = await startIsolatedRunner();
});
afterAll(async () => {
  await runner?.close();
});

const dir = new URL('../testing/suites-escapes', import.meta.url).pathname;

describe('errors that escape a test body fail that test (no false greens)', () => {
  it.each([
    [
      'listener',
      'an expect failing in a dut.on listener fails this test',
      /listener assertion fails on purpose/,
    ],
    ['timer', 'an expect failing in a setTimeout fails this test', /timer assertion fails on purpose/],
    ['rejection', 'an unhandled rejection fails this test', /rejection nobody handles, on purpose/],
  ])(
    '%s: exit 1, the right test failed with the error and its stack, the next test passes',
    async (suite, name, message) => {
      const { exitCode, report } = await runner.run({
        out: null,
        suiteDirs: [dir],
        noBuiltin: true,
        suites: [suite],
      });
      expect(report.tests.map((t) => [t.name, t.state])).toEqual([
        [name, 'failed'],
        [`the next test is not blamed (${suite})`, 'passed'],
      ]);
      expect(report.tests[0]?.error?.message).toMatch(message);
      expect(report.tests[0]?.error?.stack).toMatch(/\.hil\.ts/);
      expect(exitCode).toBe(1);
    },
  );
});

describe('a flaky link (--sim-fault ack-drop:0.05)', () => {
  it('fails the run (exit 1) naming the tests whose answers were lost, with no stray unhandled rejection', async () => {
    const { exitCode, report } = await runner.run({ out: null, simFaults: ['ack-drop:0.05'] });
    const failed = report.tests.filter((t) => t.state === 'failed');
    expect(exitCode).toBe(1);
    expect(report.benchError).toBeNull();
    expect(failed.length).toBeGreaterThan(0);
    // Every failure belongs to a named test of a shipped suite, never to "(outside any test)".
    expect(failed.filter((t) => t.suite === '(run)' || t.name.startsWith('('))).toEqual([]);
    expect(failed.map((t) => t.error?.message).join('\n')).toMatch(/got no answer|connection lost/);
  });
});
