import { describe, expect, it } from 'vitest';
import { expectSaneRows, expectSaneSummary } from '../sane';
import { runPush } from './push';

describe('push scenario (smoke)', () => {
  it('collects one latency per client per change, esphil and raw ws', async () => {
    const r = await runPush({ counts: [1, 3], warmupRounds: 1, rounds: 2, perRound: 2 });
    expect(r.byCount.map((b) => b.clients)).toEqual([1, 3]);
    for (const b of r.byCount) {
      expectSaneSummary(b.esphil, b.clients * 4);
      expectSaneSummary(b.rawWs, b.clients * 4);
    }
    expectSaneRows(r.rows);
    expect(r.rows).toHaveLength(4);
  });
});
