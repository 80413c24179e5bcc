import { describe, expect, it } from 'vitest';
import { expectSaneRows } from '../sane';
import { type HilReportPart, type HilRun, runHilScenario } from './hil';

// runHil drives its own in-process vitest, which cannot share a thread with this test's vitest worker: hil's
// test helper runs it in a worker thread. Not exported by @esphil/hil, so loaded by path; a non-literal
// specifier keeps tsc out of hil's sources (their ambient declarations are hil's own).
const ISOLATED: string = new URL('../../../../hil/src/testing/isolated.ts', import.meta.url).href;
interface IsolatedRunner {
  run(opts: {
    latency: string;
    out: null;
    suites: string[];
  }): Promise<{ exitCode: number; report: HilReportPart }>;
  close(): Promise<void>;
}

// Two whole HIL runs (the wifi one in real modelled time) plus transforming hil's sources in a worker thread: about
// 14 s alone, 45-60 s while `pnpm test` runs all 17 packages on 2 cores. The budget is for that load, not a speed bar.
const HIL_SMOKE_TIMEOUT_MS = 180_000;

describe('HIL scenario (smoke: the led suite in-process)', () => {
  it(
    'times zero and wifi runs and splits them by stage and suite',
    async () => {
      const { startIsolatedRunner } = (await import(ISOLATED)) as {
        startIsolatedRunner: () => Promise<IsolatedRunner>;
      };
      const hil = await startIsolatedRunner();
      const r = await runHilScenario(
        async (latency): Promise<HilRun> => {
          const run = await hil.run({ latency, out: null, suites: ['led'] });
          return {
            exitCode: run.exitCode,
            report: run.report,
            processWallMs: run.report.durationMs,
            cpuMs: null,
            runCpuMs: null,
            startupMs: null,
            shutdownMs: null,
          };
        },
        { warmupRuns: 0, runs: 1 },
      ).finally(() => hil.close());
      for (const p of [r.byProfile.zero, r.byProfile.wifi]) {
        expect(p.failed).toBe(0);
        expect(p.tests).toBeGreaterThan(0);
        expect(p.wallMs).toBeGreaterThan(0);
        expect(Object.keys(p.stagesMs)).toContain('suites');
        expect(Object.keys(p.suitesMs)).toEqual(['led']);
      }
      // The wifi profile models a 350 ms boot and a 1.5 s WiFi join: its ready stage cannot be the shorter.
      expect(r.byProfile.wifi.stagesMs.ready ?? 0).toBeGreaterThan(r.byProfile.zero.stagesMs.ready ?? 0);
      expectSaneRows(r.rows);
    },
    HIL_SMOKE_TIMEOUT_MS,
  );
});
