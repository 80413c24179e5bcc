import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';
import { buildNativeFirmware } from '../testing/native-firmware';

// The shipped firmware-native bench: the reference firmware's whole Device (apps/firmware, built for the host with
// g++; its connection code and console) behind the simulated transport must pass exactly the built-in suites the
// TypeScript sim passes.
const benchFile = fileURLToPath(new URL('../../benches/firmware-native.json', import.meta.url));
// Own build dir, so this never races the firmware package's own build or another matrix file's.
let executable = '';

let runner: IsolatedRunner;
beforeAll(async () => {
  executable = buildNativeFirmware('build/hil-test');
  runner = await startIsolatedRunner();
}, 180_000);
afterAll(async () => {
  await runner?.close();
});

it("hil/benches/firmware-native.json passes every built-in suite against the firmware's whole Device", async () => {
  const json = JSON.parse(readFileSync(benchFile, 'utf8')) as { sim: Record<string, unknown> };
  json.sim.executable = executable;
  const { bench, issues } = resolveBench(json, { file: benchFile });
  expect(issues).toEqual([]);
  expect(bench?.sim.body).toBe('native');

  const { exitCode, report } = await runner.run({ bench: bench!, out: null, latency: 'zero' });
  const failed = report.tests.filter((t) => t.state !== 'passed').map((t) => `${t.fullName}: ${t.state}`);
  expect(failed).toEqual([]);
  expect(report.tests.length).toBeGreaterThanOrEqual(14);
  expect(exitCode).toBe(0);
}, 120_000);
