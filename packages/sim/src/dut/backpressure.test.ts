// Bounded output per connection: a client that never reads cannot make the sim buffer its output without
// limit. Frames beyond the bound are dropped like the library's failed sendFrame on a full send buffer
// (shared/reference/arduinowebsockets-facts.md §9, W.cpp:291-310): no disconnect, events keep their seq numbers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DutHarness, startDut } from '../testing/dut';
import { openClient, type TestClient } from '../testing/ws-client';

const BOUND = 16 * 1024;
let h: DutHarness | null = null;
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await h?.close();
  h = null;
});

describe('bounded output per connection', () => {
  it('a client that never reads (but keeps sending pongs) cannot grow the buffered output past maxBufferedBytes', async () => {
    h = await startDut({ seed: 3, maxBufferedBytes: BOUND });
    const c = await openClient(h.dut.url);
    clients.push(c);
    const slot = h.dut.server.slots()[0]!;
    // Stop reading: the kernel buffers fill, then the sim's own.
    c.ws.pause();
    let id = 1_000_000;
    const pump = setInterval(() => {
      // The library takes any pong as a sign of life (facts §7, W.cpp:496-500): the attacker keeps its slot.
      c.ws.pong();
      // Keep the client's own send buffer small; the server stops reading when its queue is full.
      if (c.ws.bufferedAmount > 256 * 1024) return;
      for (let i = 0; i < 200; i++) c.ws.send(JSON.stringify({ id: id++, op: 'state.get' }));
    }, 2);
    try {
      await vi.waitFor(() => expect(h?.dut.server.outputStats(slot)?.droppedFrames ?? 0).toBeGreaterThan(0), {
        timeout: 30_000,
        interval: 20,
      });
    } finally {
      clearInterval(pump);
    }
    const stats = h.dut.server.outputStats(slot)!;
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(BOUND);
    expect(stats.bufferedBytes).toBeLessThanOrEqual(BOUND);
    // Still connected (the library never drops a slot for a full buffer): reading again, it is answered.
    c.ws.resume();
    expect((await c.request('ping')).ok).toBe(true);
    expect(h.dut.server.slots()).toEqual([slot]);
  }, 60_000);
});
