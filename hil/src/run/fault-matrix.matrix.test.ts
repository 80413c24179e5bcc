import { afterAll, beforeAll, describe, it } from 'vitest';
import { FAULT_CASES, matrixBench } from '../testing/fault-matrix';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';
import { checkFaultCase } from '../testing/matrix-check';

// One runner, every fault in turn (about a minute): `pnpm --filter @esphil/hil matrix`.
const CASES = FAULT_CASES;

let runner: IsolatedRunner;
beforeAll(async () => {
  runner = await startIsolatedRunner();
}, 60_000);
afterAll(async () => {
  await runner?.close();
});

describe('fault-detection matrix : each sim fault ends with the right exit code and exactly the right failures', () => {
  for (const c of CASES) {
    it(c.fault, async () => {
      const { exitCode, report } = await runner.run({
        bench: matrixBench(),
        out: null,
        simFaults: [c.fault],
        latency: 'zero',
      });
      checkFaultCase(c, exitCode, report);
    }, 60_000);
  }
});
