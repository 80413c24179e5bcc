import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../cli/args';
import { HilError } from '../errors';
import { runHil } from '../run/run-hil';
import { useTempDirs } from '../testing/temp-dirs';
import { MAX_TIMER_MS } from './defaults';
import { loadBench } from './load';
import { resolveBench } from './validate';

const tempDir = useTempDirs();

const rejection = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as HilError,
  );

describe('bounded inputs', () => {
  it('a FIFO, a device and a folder are refused as bench files before any read (no hang, no endless stream)', async () => {
    const dir = await tempDir('bench-bounds-');
    const fifo = join(dir, 'bench.json');
    execFileSync('mkfifo', [fifo]);
    for (const path of [fifo, '/dev/zero', dir]) {
      const err = await rejection(loadBench(path));
      expect(err).toBeInstanceOf(HilError);
      expect(err).toMatchObject({ code: 'bench_invalid' });
      expect(err?.message).toContain('is not a regular file');
    }
  });

  it('every timeout must lie in (0, 2^31-1] ms, the range a Node timer honours', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../benches/sim.json', import.meta.url), 'utf8'));
    const sim = (timeouts: Record<string, number>) => resolveBench({ ...shipped, timeouts });
    expect(sim({ readyMs: MAX_TIMER_MS }).issues).toEqual([]);
    // lockMs is a wait: its default 0 means "do not wait", so 0 stays valid there.
    expect(sim({ lockMs: 0 }).issues).toEqual([]);
    expect(sim({ lockMs: MAX_TIMER_MS + 1 }).issues).toHaveLength(1);
    for (const bad of [0, MAX_TIMER_MS + 1, 1e300]) {
      const { bench, issues } = sim({ readyMs: bad });
      expect(bench).toBeUndefined();
      expect(issues).toEqual([
        expect.objectContaining({
          path: 'timeouts.readyMs',
          message: expect.stringContaining('outside (0, 2147483647]'),
        }),
      ]);
    }
  });

  it('a bad --sim-fault is a usage error naming the flag and listing the faults', () => {
    for (const spec of ['no-such-fault', 'pwm-offset:lots']) {
      let err: unknown;
      try {
        parseCliArgs(['--sim-fault', spec]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HilError);
      expect(err).toMatchObject({ code: 'bad_args' });
      expect((err as HilError).message).toContain(`--sim-fault ${spec}`);
      expect((err as HilError).hint).toMatch(/known faults: .*pwm-offset/);
    }
    expect(parseCliArgs(['--sim-fault', 'pwm-offset:5']).simFaults).toEqual(['pwm-offset:5']);
  });

  it('a shard that selects no suite is exit 2 before the bench is opened', async () => {
    const { exitCode, report } = await runHil({ suites: ['boot'], shard: { index: 2, count: 2 }, out: null });
    expect(exitCode).toBe(2);
    expect(report.benchError).toMatchObject({
      code: 'no_suites',
      message: 'shard 2/2 selects none of the 1 suites',
    });
    expect(report.stages.map((s) => s.name)).toEqual(['bench']);
  });
});
