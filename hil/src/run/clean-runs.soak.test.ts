import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';

// A good device on a WiFi-like link must never fail a run: 20 in a row with the 'wifi' latency profile.
const RUNS = 20;

let runner: IsolatedRunner;
beforeAll(async () => {
  runner = await startIsolatedRunner();
});
afterAll(async () => {
  await runner?.close();
});

describe(`${RUNS} consecutive clean runs on the sim with the wifi latency profile`, () => {
  it(
    'produce zero failures and zero flaky tests',
    async () => {
      const outcomes: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const { exitCode, report } = await runner.run({ out: null, latency: 'wifi' });
        const bad = report.tests
          .filter((t) => t.state !== 'passed')
          .map((t) => `${t.suite} › ${t.name}: ${t.state} ${t.error?.message ?? ''}`);
        outcomes.push(
          `run ${i + 1}: exit ${exitCode}${report.benchError ? ` ${report.benchError.code}` : ''}${bad.length ? ` ${bad.join('; ')}` : ''}`,
        );
      }
      expect(outcomes.filter((o) => !o.endsWith('exit 0'))).toEqual([]);
    },
    20 * 60_000,
  );
});
