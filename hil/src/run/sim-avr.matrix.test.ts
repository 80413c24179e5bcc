import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import type { HilReport } from '../report/model';
import { FAULT_CASES } from '../testing/fault-matrix';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';
import { checkFaultCase } from '../testing/matrix-check';

// hil/benches/sim-avr.json: the probe is the real StandardFirmata hex (avrgirl-arduino's Uno image) on an
// emulated ATmega328P (packages/sim/src/avr). Every built-in suite must pass, and the probe-related fault rows
// must reach the same verdicts as on the virtual probe.
const benchFile = fileURLToPath(new URL('../../benches/sim-avr.json', import.meta.url));
const PROBE_FAULTS = [
  'led-stuck-low',
  'led-stuck-high',
  'pwm-offset:10',
  'button-dead',
  'sensor-frozen',
  'wires-swapped',
];

function avrBench() {
  const json = JSON.parse(readFileSync(benchFile, 'utf8'));
  const { bench, issues } = resolveBench(json, { file: benchFile });
  expect(issues).toEqual([]);
  expect(bench?.sim.probe.avr).toEqual({ hex: null });
  return bench!;
}

let runner: IsolatedRunner;
beforeAll(async () => {
  runner = await startIsolatedRunner();
}, 60_000);
afterAll(async () => {
  await runner?.close();
});

it('hil/benches/sim-avr.json passes every built-in suite against the emulated AVR probe', async () => {
  const { exitCode, report } = await runner.run({ bench: avrBench(), out: null, latency: 'zero' });
  const failed = report.tests
    .filter((t) => t.state !== 'passed')
    .map((t) => `${t.fullName}: ${t.state} ${t.error?.message ?? ''}`);
  expect(report.benchError).toBeNull();
  expect(failed).toEqual([]);
  expect(report.tests.length).toBeGreaterThanOrEqual(14);
  expect(exitCode).toBe(0);
}, 120_000);

/** What a run concluded: exit code, bench error, the failing tests. */
function verdict(exitCode: number, report: HilReport) {
  return {
    exitCode,
    benchError: report.benchError?.code ?? null,
    failing: report.tests
      .filter((t) => t.state !== 'passed')
      .map((t) => `${t.suite} › ${t.name}`)
      .sort(),
  };
}

// Same bench (5 V Uno wiring) on both probes. On this bench a 5-point PWM offset stays inside the sweep's
// tolerance (5 % of 3.3 V is 34 counts on the Uno's 5 V scale), so the offset row uses 10 points to stay a
// detection on both probes; the rest are the fault matrix's own rows, whose expected verdicts must also hold.
describe('probe-related fault rows: the emulated AVR probe reaches the virtual probe verdict', () => {
  for (const fault of PROBE_FAULTS) {
    it(fault, async () => {
      const run = async (avr: boolean) => {
        const bench = avrBench();
        bench.timeouts = { ...bench.timeouts, requestMs: 300, observeMs: 1000 };
        if (!avr) bench.sim.probe = { boot: 'instant', avr: null };
        const r = await runner.run({ bench, out: null, simFaults: [fault], latency: 'zero' });
        return { verdict: verdict(r.exitCode, r.report), ...r };
      };
      const emulated = await run(true);
      const virtual = await run(false);
      expect(emulated.verdict).toEqual(virtual.verdict);
      expect(emulated.verdict.exitCode).not.toBe(0);
      const row = FAULT_CASES.find((c) => c.fault === fault);
      if (row) checkFaultCase(row, emulated.exitCode, emulated.report);
    }, 90_000);
  }
});
