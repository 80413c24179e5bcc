import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { type ClientOptions, connectWith, type DeviceClient } from './client';
import { HeartbeatScheduler } from './heartbeat';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';
import { nextEvent } from './testing/next-event';
import type { TransportFactory, WebSocketCtor } from './transport';
import { browserTransport } from './transport-browser';
import { nodeTransport } from './transport-node';

let device: FakeDevice;
let client: DeviceClient | undefined;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  device = await startFakeDevice({});
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await device.close();
  vi.useRealTimers();
});

/** Wraps a transport so the test can wait until the client has seen a pong (sockets run on real I/O). */
function observed(inner: TransportFactory) {
  const waiters: (() => void)[] = [];
  const factory: TransportFactory = (url, opts, h) =>
    inner(url, opts, {
      ...h,
      activity: () => {
        h.activity();
        for (const w of waiters.splice(0)) w();
      },
    });
  return { factory, nextActivity: () => new Promise<void>((r) => waiters.push(r)) };
}

const hb = { intervalMs: 1000, timeoutMs: 500 }; // tick = 250 ms
const base: ClientOptions = { heartbeat: hb, reconnect: { initialDelayMs: 100 }, random: () => 0 };

describe('heartbeat (Node: ws ping frames)', () => {
  it('a silent device is declared dead within intervalMs + timeoutMs, then reconnected', async () => {
    const { factory } = observed(nodeTransport());
    client = await connectWith(device.url, base, { transport: factory });
    device.silent = true;
    const disconnected = nextEvent(client, 'disconnected');
    await vi.advanceTimersByTimeAsync(1000); // probe sent
    expect(client.status).toBe('open');
    await vi.advanceTimersByTimeAsync(499);
    expect(client.status).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    const d = await disconnected;
    expect(d.code).toBe(1006);
    expect(d.reason).toMatch(/heartbeat/);
    device.silent = false;
    const reconnected = nextEvent(client, 'reconnected');
    // a 0 ms timer set inside a fake-timer tick is due 1 ms later
    await vi.advanceTimersByTimeAsync(1);
    expect((await reconnected).rebooted).toBe(false);
  });

  it('pongs keep a quiet link alive', async () => {
    const { factory, nextActivity } = observed(nodeTransport());
    client = await connectWith(device.url, base, { transport: factory });
    const drops: unknown[] = [];
    client.on('disconnected', (d) => drops.push(d));
    for (let i = 0; i < 5; i++) {
      const pong = nextActivity();
      await vi.advanceTimersByTimeAsync(1000); // quiet for intervalMs: probe
      await pong;
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(drops).toEqual([]);
    expect(client.status).toBe('open');
  });

  it('inbound traffic counts as life: no probe while events flow', async () => {
    client = await connectWith(device.url, base, { transport: nodeTransport() });
    let pings = 0;
    [...device.conns][0]!.ws.on('ping', () => pings++);
    for (let i = 0; i < 4; i++) {
      const b = nextEvent(client, 'button');
      device.press('boot', i % 2 === 0);
      await b;
      await vi.advanceTimersByTimeAsync(750);
    }
    expect(pings).toBe(0);
    expect(client.status).toBe('open');
  });
});

describe('heartbeat (browser transport: app-level ping op)', () => {
  it('probes with the ping op and drops a silent device', async () => {
    client = await connectWith(device.url, base, {
      transport: browserTransport(WebSocket as unknown as WebSocketCtor),
    });
    device.silent = true;
    const disconnected = nextEvent(client, 'disconnected');
    const before = device.received.length;
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitUntil(() => device.received.length > before, { interval: 0 });
    expect(JSON.parse(device.received.at(-1)!)).toMatchObject({ op: 'ping' });
    await vi.advanceTimersByTimeAsync(500);
    expect((await disconnected).reason).toMatch(/heartbeat/);
  });

  it('a ping answer keeps the link', async () => {
    client = await connectWith(device.url, base, {
      transport: browserTransport(WebSocket as unknown as WebSocketCtor),
    });
    const drops: unknown[] = [];
    client.on('disconnected', (d) => drops.push(d));
    for (let i = 0; i < 3; i++) {
      const n = device.received.length;
      await vi.advanceTimersByTimeAsync(1000);
      await vi.waitUntil(() => device.received.length > n, { interval: 0 });
      await vi.waitUntil(() => client!.inFlight === 0, { interval: 0 });
      await vi.advanceTimersByTimeAsync(250);
    }
    expect(drops).toEqual([]);
  });
});

describe('HeartbeatScheduler', () => {
  it('runs one timer for many members and stops when empty', () => {
    const s = new HeartbeatScheduler(
      {
        setTimeout: (fn, ms) => setTimeout(fn, ms),
        clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
        now: () => Date.now(),
      },
      100,
    );
    const ticks: number[] = [];
    const members = Array.from({ length: 50 }, (_, i) => ({ heartbeatTick: () => ticks.push(i) }));
    for (const m of members) s.add(m);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(100);
    expect(ticks).toHaveLength(50);
    for (const m of members) s.delete(m);
    expect(vi.getTimerCount()).toBe(0);
  });
});
