// Bounded, fair device queue: the device loop takes one job per connection in turn, and a connection holds at
// most DEFAULT_MAX_QUEUED_FRAMES unanswered frames (then the server stops reading it; frames read past the limit
// get `busy`). Jobs are counted, not timed: the backend holds the flood's first frame until the second client's
// hello is queued, so what runs before that hello is decided by the loop alone.
function gatedBackend(onSnapshot: () => void): {
  backend: DeviceBackend;
  release(): void;
  held: Promise<void>;
} {
  const inner = new TsBackend();
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let markHeld!: () => void;
  const held = new Promise<void>((r) => {
    markHeld = r;
  });
  return {
    release,
    held,
    backend: {
      start: (config, identity) => inner.start(config, identity),
      async handleFrame(text, from, ctx) {
        markHeld();
        await gate;
        return inner.handleFrame(text, from, ctx);
      },
      handleInput: (input, ctx) => inner.handleInput(input, ctx),
      snapshot() {
        onSnapshot();
        return inner.snapshot();
      },
      close: () => inner.close(),
    },
  };
}

/** The answer to a ping, or null when none came in `ms` (a response may be dropped while a buffer is full). */
async function pingWithin(c: TestClient, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const none = new Promise<null>((r) => {
    timer = setTimeout(r, ms, null);
  });
  const res = await Promise.race([c.request('ping'), none]);
  clearTimeout(timer);
  return res?.ok === true;
}

// Bounded output per connection: a client that never reads cannot make the sim buffer its output without
// limit. Frames beyond the bound are dropped like the library's failed sendFrame on a full send buffer
// (shared/reference/arduinowebsockets-facts.md §9, W.cpp:291-310): no disconnect, events keep their seq numbers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DutHarness, startDut } from '../testing/dut';
import { openClient, type TestClient } from '../testing/ws-client';
import type { DeviceBackend } from './backend';
import { TsBackend } from './ts-backend';
import { DEFAULT_MAX_QUEUED_FRAMES } from './ws-server';

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
    // Still connected (the library never drops a slot for a full buffer): reading again, it is answered once
    // the backlog has drained (until then a new answer may be dropped too).
    c.ws.resume();
    await vi.waitFor(async () => expect(await pingWithin(c, 500)).toBe(true), {
      timeout: 30_000,
      interval: 10,
    });
    expect(h.dut.server.slots()).toEqual([slot]);
  }, 60_000);
});

describe('bounded, fair device queue', () => {
  it("one client's pipelined flood delays another client's hello by at most one job per other source", async () => {
    let helloJob = -1;
    const gated = gatedBackend(() => {
      if (helloJob < 0 && h !== null && h.dut.server.clientCount === 2) helloJob = h.dut.jobsRun;
    });
    let booted = false;
    h = await startDut({
      seed: 4,
      backend: () => {
        // The first boot's backend is the gated one; nothing reboots in this test.
        if (booted) throw new Error('unexpected second boot');
        booted = true;
        return gated.backend;
      },
    });
    const a = await openClient(h.dut.url);
    clients.push(a);
    const slotA = h.dut.server.slots()[0]!;
    const N = 3000;
    for (let i = 0; i < N; i++) a.ws.send(JSON.stringify({ id: i + 1, op: 'state.get' }));
    await gated.held;
    // A's queue fills up and the server stops reading A.
    await vi.waitFor(() => expect(h?.dut.server.queuedFrames(slotA)).toBe(DEFAULT_MAX_QUEUED_FRAMES));
    const connected = new Promise<number>((resolve) =>
      h?.dut.server.once('connected', () => resolve(h?.dut.jobsRun ?? -1)),
    );
    const bPromise = openClient(h.dut.url);
    const jobsAtConnect = await connected;
    gated.release();
    const b = await bPromise;
    clients.push(b);
    expect(helloJob).toBeGreaterThan(0);
    // Jobs started from B's connection up to and including its hello: the one running (A's first frame), at
    // most one per other source (the other connections and the device's own work), then the hello itself.
    const ahead = helloJob - jobsAtConnect;
    expect(ahead).toBeLessThanOrEqual(h.dut.server.maxClients + 1);
    // A still had most of its flood to go: without turns, the hello would have waited for all of it.
    expect(a.frames.filter((f) => f.t === 'res').length).toBeLessThan(N / 2);
    // Every request of A gets exactly one answer, in order: the state or `busy`.
    const answers: { id: number; code: string | null }[] = [];
    await vi.waitFor(
      () => {
        answers.length = 0;
        for (const f of a.frames) {
          if (f.t !== 'res') continue;
          const err = f.error as { code: string } | undefined;
          answers.push({ id: f.id as number, code: f.ok ? null : (err?.code ?? '?') });
        }
        expect(answers.length).toBe(N);
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(answers.map((x) => x.id)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(new Set(answers.map((x) => x.code))).toEqual(new Set([null, 'busy']));
  }, 60_000);
});
