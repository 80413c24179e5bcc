// The long differential run (`pnpm --filter @esphil/sim differential`, turbo task `differential`). Sized by
// DIFF_SEED (first seed; default from the clock, printed), DIFF_SEEDS (default 100), DIFF_STEPS (default 2000) and
// DIFF_WIRE_SEEDS (runs behind the transport, default 10). A failure names its seed: rerun with DIFF_SEED=<seed>
// DIFF_SEEDS=1.
import { beforeAll, expect, it } from 'vitest';
import { buildNativeForTest } from '../../testing/native-build';
import { formatDivergence, runDifferential } from './differential';
import { diffScenarios } from './differential-stream';
import { runWireDifferential } from './differential-wire';
import { NativeDeviceBody } from './native-body';
import { TsDeviceBody } from './ts-body';

const num = (name: string, fallback: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be an integer >= 0, got '${v}'`);
  return n;
};
const first = num('DIFF_SEED', Date.now() % 1_000_000);
const seeds = num('DIFF_SEEDS', 100);
const steps = num('DIFF_STEPS', 2000);
const wireSeeds = num('DIFF_WIRE_SEEDS', 10);

let executable = '';
beforeAll(() => {
  executable = buildNativeForTest('sim-diff-long');
  console.log(
    `differential: seeds ${first}..${first + seeds - 1}, ${steps} steps, ${wireSeeds} behind the transport`,
  );
}, 600_000);

for (const scenario of diffScenarios()) {
  it(`body level, ${scenario.name}`, async () => {
    for (let seed = first; seed < first + seeds; seed++) {
      const native = new NativeDeviceBody({ executable });
      try {
        const r = await runDifferential(new TsDeviceBody(), native, scenario, seed, steps);
        expect(r.divergence === null ? '' : formatDivergence(r.divergence), `seed ${seed}`).toBe('');
      } finally {
        await native.close();
      }
    }
  });

  it(`behind the transport, ${scenario.name}`, async () => {
    for (let seed = first; seed < first + wireSeeds; seed++) {
      const r = await runWireDifferential(
        new TsDeviceBody(),
        new NativeDeviceBody({ executable }),
        scenario,
        seed,
        Math.min(steps, 500),
      );
      expect(r.divergence ?? '', `seed ${seed}`).toBe('');
    }
  });
}
