import { describe, expect, it } from 'vitest';
import { createLatencyModel, LATENCY_PROFILES } from './latency';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

describe('latency profiles', () => {
  it('zero never delays', () => {
    const m = createLatencyModel('zero', 1);
    expect(Array.from({ length: 100 }, () => m.rtt()).every((x) => x === 0)).toBe(true);
    expect(m.profile.bootMs).toBe(0);
  });

  it('wifi: round trips mostly 7-13 ms with p99 near 47 ms', () => {
    const m = createLatencyModel('wifi', 42);
    const xs = Array.from({ length: 20_000 }, () => m.rtt());
    expect(percentile(xs, 50)).toBeGreaterThanOrEqual(7);
    expect(percentile(xs, 50)).toBeLessThanOrEqual(13);
    expect(percentile(xs, 99)).toBeGreaterThan(30);
    expect(percentile(xs, 99)).toBeLessThan(65);
  });

  it('wifi-powersave: 40-250 ms body with a longer tail', () => {
    const m = createLatencyModel('wifi-powersave', 42);
    const xs = Array.from({ length: 20_000 }, () => m.rtt());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(40);
    expect(percentile(xs, 50)).toBeLessThanOrEqual(250);
    expect(percentile(xs, 99)).toBeGreaterThan(250);
  });

  it('is reproducible from the seed', () => {
    for (const p of LATENCY_PROFILES) {
      const a = createLatencyModel(p, 7);
      const b = createLatencyModel(p, 7);
      expect(Array.from({ length: 50 }, () => a.rtt())).toEqual(Array.from({ length: 50 }, () => b.rtt()));
    }
  });
});
