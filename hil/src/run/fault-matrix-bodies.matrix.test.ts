import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_CASES, matrixBench } from '../testing/fault-matrix';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';
import { checkFaultCase } from '../testing/matrix-check';
import { buildNativeFirmware } from '../testing/native-firmware';

// The same fault matrix on both device bodies behind the simulated arduinoWebSockets transport: device-model's
// ConnectionDevice (`ts`) and the reference firmware's own Device (`native`, apps/firmware built for the host with
// g++). Each must reach exactly the verdict the frame-level sim reaches (./fault-matrix.matrix.test.ts).
// Own build dir, so this never races the firmware package's own build or another matrix file's.
let executable = '';

let runner: IsolatedRunner;
beforeAll(async () => {
  executable = buildNativeFirmware('build/hil-body');
  runner = await startIsolatedRunner();
}, 180_000);
afterAll(async () => {
  await runner?.close();
});

for (const body of ['ts', 'native'] as const) {
  describe(`fault-detection matrix on the ${body} device body`, () => {
    // Read in each test: the executable is built in beforeAll.
    const sim = () => (body === 'native' ? { body, executable } : { body });
    it('the bench runs the body', () => {
      expect(matrixBench(sim()).sim).toMatchObject({ body, backend: 'ts' });
    });
    for (const c of FAULT_CASES) {
      it(c.fault, async () => {
        const { exitCode, report } = await runner.run({
          bench: matrixBench(sim()),
          out: null,
          simFaults: [c.fault],
          latency: 'zero',
        });
        checkFaultCase(c, exitCode, report);
      }, 60_000);
    }
  });
}
