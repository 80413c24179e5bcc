import { describe, expect, it } from 'vitest';
import { expectSaneRows, expectSaneSummary } from '../sane';
import { runRtt } from './rtt';

describe('round-trip scenario (smoke)', () => {
  it('measures esphil, raw ws, MQTT and HTTP polling in one run', async () => {
    const r = await runRtt({
      warmupRounds: 1,
      rounds: 2,
      perRound: 5,
      learnWarmupRounds: 0,
      learnRounds: 1,
      httpPairs: 2,
      eventsPerRound: 3,
    });
    for (const s of Object.values(r.rtt)) expectSaneSummary(s, 10);
    expectSaneSummary(r.learn['esphil-event'], 3);
    expectSaneSummary(r.learn['http-poll-100ms'], 2);
    expectSaneSummary(r.learn['http-poll-1s'], 2);
    // The native body runs when esphil-native is built; otherwise the row is left out with the build hint.
    if (r.native) expectSaneSummary(r.native, 10);
    else expect(r.nativeSkipped).toMatch(/pnpm --filter @esphil\/firmware build/);
    expectSaneRows(r.rows);
    expect(r.rows.filter((x) => x.target !== null)).toHaveLength(2);
  });
});
