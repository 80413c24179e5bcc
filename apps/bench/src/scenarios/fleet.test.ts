import { describe, expect, it } from 'vitest';
import { expectSaneRows, expectSaneSummary } from '../sane';
import { runFleet } from './fleet';

describe('fleet scenario (smoke, in-process sims)', () => {
  it('streams from 20 devices and pairs every event with its send time', async () => {
    const r = await runFleet({ devices: 20, processes: 0, hz: 20, warmupMs: 200, windowMs: 1_000 });
    expect(r.open).toBe(20);
    // 20 devices x 20 Hz for about a second.
    expect(r.offeredPerSec).toBeGreaterThan(100);
    expect(r.lost).toBe(0);
    expect(r.deliveredPerSec).toBe(r.offeredPerSec);
    expectSaneSummary(r.latency, r.latency.n);
    expect(r.latency.n).toBeGreaterThan(100);
    expect(r.clientCpuPct).toBeGreaterThan(0);
    expect(r.deviceCpuPct).toBe(0);
    expect(Number.isFinite(r.rssPerConnBytes)).toBe(true);
    expectSaneRows(r.rows.filter((x) => x.metric.includes('latency') || x.metric.includes('events/s')));
  });
});
