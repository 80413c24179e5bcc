/** Shared smoke-test checks: numbers a benchmark produced are real measurements, not placeholders. */
import { expect } from 'vitest';
import type { ResultRow } from './result';
import type { Summary } from './stats';

export function expectSaneSummary(s: Summary, n: number): void {
  expect(s.n).toBe(n);
  for (const v of [s.p50, s.p95, s.p99, s.min, s.max, s.mean]) {
    expect(Number.isFinite(v)).toBe(true);
    expect(v).toBeGreaterThan(0);
  }
  expect(s.min).toBeLessThanOrEqual(s.p50);
  expect(s.p50).toBeLessThanOrEqual(s.p95);
  expect(s.p95).toBeLessThanOrEqual(s.p99);
  expect(s.p99).toBeLessThanOrEqual(s.max);
}

export function expectSaneRows(rows: readonly ResultRow[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.scenario).not.toBe('');
    expect(r.metric).not.toBe('');
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.value).toBeGreaterThanOrEqual(0);
    if (r.baseline) {
      expect(Number.isFinite(r.baseline.value)).toBe(true);
      expect(r.ratio).toBeCloseTo(r.value / r.baseline.value);
    } else expect(r.ratio).toBeNull();
    if (r.target === null) expect(r.met).toBeNull();
    else expect(typeof r.met).toBe('boolean');
  }
  // Every row is a distinct measurement.
  expect(new Set(rows.map((r) => `${r.scenario}/${r.metric}`)).size).toBe(rows.length);
}
