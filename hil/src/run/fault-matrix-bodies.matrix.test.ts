import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_CASES, matrixBench } from '../testing/fault-matrix';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';
import { checkFaultCase } from '../testing/matrix-check';

// The same fault matrix on both device bodies behind the simulated arduinoWebSockets transport: device-model's
// ConnectionDevice (`ts`) and the reference firmware's own Device (`native`, apps/firmware built for the host with
// g++). Each must reach exactly the verdict the frame-level sim reaches (./fault-matrix.matrix.test.ts).
const firmwareDir = fileURLToPath(new URL('../../../apps/firmware', import.meta.url));
// Own build dir, so this never races the firmware package's own build or another matrix file's.
const executable = `${firmwareDir}/build/hil-body/esphil-native`;

let runner: IsolatedRunner;
beforeAll(async () => {
  const r = spawnSync('make', ['-C', firmwareDir, 'BUILD=build/hil-body', 'native'], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`building the native firmware failed (needs make and g++):\n${r.stdout}${r.stderr}`);
  runner = await startIsolatedRunner();
}, 180_000);
afterAll(async () => {
  await runner?.close();
});

for (const body of ['ts', 'native'] as const) {
  describe(`fault-detection matrix on the ${body} device body`, () => {
    const sim = body === 'native' ? { body, executable } : { body };
    it('the bench runs the body', () => {
      expect(matrixBench(sim).sim).toMatchObject({ body, backend: 'ts' });
    });
    for (const c of FAULT_CASES) {
      it(c.fault, async () => {
        const { exitCode, report } = await runner.run({
          bench: matrixBench(sim),
          out: null,
          simFaults: [c.fault],
          latency: 'zero',
        });
        checkFaultCase(c, exitCode, report);
      }, 60_000);
    }
  });
}
