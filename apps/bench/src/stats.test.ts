import { describe, expect, it } from 'vitest';
import { interleave } from './interleave';
import { markdownTable } from './report';
import { row } from './result';
import { percentile, summarize } from './stats';

describe('stats', () => {
  it('nearest-rank percentiles over 1..100', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    const s = summarize(xs);
    expect([s.p50, s.p95, s.p99, s.min, s.max, s.n]).toEqual([50, 95, 99, 1, 100, 100]);
    expect(s.mean).toBeCloseTo(50.5);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('interleave', () => {
  it('alternates variant order per round and drops warm-up samples', async () => {
    const calls: string[] = [];
    let i = 0;
    const out = await interleave(
      [
        {
          name: 'a',
          sample: async () => {
            calls.push('a');
            return ++i;
          },
        },
        {
          name: 'b',
          sample: async () => {
            calls.push('b');
            return [++i, ++i];
          },
          perRound: 1,
        },
      ],
      { warmupRounds: 1, rounds: 2, perRound: 2 },
    );
    expect(calls.join('')).toBe('aab' + 'baa' + 'aab');
    expect(out.get('a')).toHaveLength(4);
    expect(out.get('b')).toHaveLength(4);
    // Warm-up produced 1, 2 (a) and 3, 4 (b): none of them is kept.
    expect(Math.min(...(out.get('a') ?? []), ...(out.get('b') ?? []))).toBe(5);
  });
});

describe('report rows', () => {
  it('computes the ratio against the same-run baseline and renders it', () => {
    const r = row({
      scenario: 's',
      metric: 'm|x',
      value: 3,
      unit: 'ms',
      baseline: { name: 'floor', value: 2 },
      target: '<= 2x',
      met: true,
    });
    expect(r.ratio).toBe(1.5);
    const table = markdownTable([r, row({ scenario: 's', metric: 'n', value: 1, unit: 'ms' })]);
    expect(table).toContain('| s | m/x | 3.00 | ms | floor: 2.00 | 1.50x | <= 2x | met |');
    expect(table.split('\n')).toHaveLength(4);
  });
});
