// Smoke test for the benchmark harness: it runs and produces sane numbers. No timing is asserted.
import { expect, it } from 'vitest';
import { BASELINE, CANDIDATES, formatTable, measureCodec } from './measure';
import { WORKLOADS } from './workloads';

it('measureCodec runs every candidate on every workload and reports finite positive rates', () => {
  const rows = measureCodec({ rounds: 2, runMs: 1, warmupMs: 1 });
  expect(rows).toHaveLength(WORKLOADS.length * (1 + Object.keys(CANDIDATES).length));
  for (const r of rows) {
    expect(Number.isFinite(r.msgsPerSec) && r.msgsPerSec > 0).toBe(true);
    expect(Number.isFinite(r.ratioToBaseline) && r.ratioToBaseline > 0).toBe(true);
    if (r.candidate === BASELINE) expect([r.ratioToBaseline, r.bestRatio]).toEqual([1, 1]);
  }
  expect(formatTable(rows).split('\n')).toHaveLength(rows.length + 2);
});
