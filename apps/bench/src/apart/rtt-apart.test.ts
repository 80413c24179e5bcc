import { describe, expect, it } from 'vitest';
import { expectSaneRows, expectSaneSummary } from '../sane';
import { startDevicesHere } from './device-process';
import { runRttApart } from './rtt-apart';

describe('round trip with the devices apart (smoke, devices in this process)', () => {
  it('measures raw echo, protocol floor, client alone and client + sim against the same devices', async () => {
    const r = await runRttApart(startDevicesHere, { warmupRounds: 1, rounds: 2, perRound: 5 });
    for (const s of Object.values(r.rtt)) expectSaneSummary(s, 10);
    expectSaneRows(r.rows);
    expect(r.rows).toHaveLength(3);
    expect(r.rows.every((x) => x.target === null && x.baseline?.value === r.rtt['raw-ws'].p50)).toBe(true);
  });
});
