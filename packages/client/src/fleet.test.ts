import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFleetWith, type FleetEvent } from './fleet';
import { createFleet } from './index';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';
import { nextEvent } from './testing/next-event';
import type { TransportFactory } from './transport';
import { nodeTransport } from './transport-node';

const devices: FakeDevice[] = [];
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close();
  vi.useRealTimers();
});

async function servers(n: number): Promise<FakeDevice[]> {
  for (let i = 0; i < n; i++) {
    const d = await startFakeDevice({ maxClients: 10_000 });
    devices.push(d);
  }
  return devices;
}

describe('fleet', () => {
  it('connects a few hundred devices with one shared heartbeat timer and merges their events', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const [a, b, c] = await servers(3);
    const N = 300;
    const fleet = createFleet({
      devices: Array.from({ length: N }, (_, i) => ({ id: `dev${i}`, url: [a, b, c][i % 3]!.url })),
      connectConcurrency: 16,
      heartbeat: { intervalMs: 1000, timeoutMs: 500 },
    });
    const report = await fleet.ready;
    expect(report.failed).toEqual([]);
    expect(report.open).toHaveLength(N);
    expect(a!.conns.size + b!.conns.size + c!.conns.size).toBe(N);
    expect(fleet.statuses().every((s) => s.status === 'open' && s.boot === 'boot-1')).toBe(true);
    // no per-connection timers: exactly the one heartbeat tick is armed
    expect(vi.getTimerCount()).toBe(1);

    const seen = new Set<string>();
    const all = new Promise<void>((resolve) => {
      fleet.on('button', (e) => {
        seen.add(e.device);
        if (seen.size === N / 3) resolve();
      });
    });
    a!.press('boot', true);
    await all;
    expect([...seen].every((id) => Number(id.slice(3)) % 3 === 0)).toBe(true);
    expect(fleet.client('dev0')!.state.buttons.boot).toBe(true);
    expect(fleet.client('dev1')!.state.buttons.boot).toBe(false);
    await fleet.close();
    expect(fleet.statuses().every((s) => s.status === 'closed')).toBe(true);
  });

  it('events() yields tagged events; per-device status follows disconnect and reconnect', async () => {
    const [a, b] = await servers(2);
    const fleet = createFleet({
      devices: [
        { id: 'left', url: a!.url },
        { id: 'right', url: b!.url },
      ],
      heartbeat: false,
      reconnect: { initialDelayMs: 1 },
      random: () => 0,
    });
    await fleet.ready;
    const it = fleet.events({ kinds: ['led', 'disconnected', 'reconnected'] });
    await fleet.client('right')!.ledSet('status', true);
    const first = (await it.next()).value as FleetEvent;
    expect(first).toMatchObject({ kind: 'led', device: 'right', led: 'status', on: true });

    const left = fleet.client('left')!;
    const back = nextEvent(left, 'reconnected');
    a!.dropAll();
    expect((await it.next()).value).toMatchObject({ kind: 'disconnected', device: 'left' });
    await back;
    expect((await it.next()).value).toMatchObject({ kind: 'reconnected', device: 'left' });
    expect(fleet.status('left')).toMatchObject({ status: 'open', lastError: null });
    await fleet.close();
    expect((await it.next()).done).toBe(true);
  });

  it('a device that cannot be reached is reported in ready and keeps retrying', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const [a, b] = await servers(2);
    b!.maxClients = 0;
    const fleet = createFleet({
      devices: [
        { id: 'ok', url: a!.url },
        { id: 'full', url: b!.url },
      ],
      heartbeat: false,
      reconnect: { initialDelayMs: 100 },
      random: () => 1,
    });
    const report = await fleet.ready;
    expect(report.open).toEqual(['ok']);
    expect(report.failed).toEqual([
      { id: 'full', code: 'server_full', message: expect.stringMatching(/dropped/) },
    ]);
    expect(fleet.status('full')).toMatchObject({
      status: 'reconnecting',
      lastError: { code: 'server_full' },
    });
    b!.maxClients = 5;
    const full = fleet.client('full')!;
    const reconnected = nextEvent(full, 'reconnected');
    await vi.advanceTimersByTimeAsync(200); // second attempt: bound 200 ms
    await reconnected;
    expect(fleet.status('full')).toMatchObject({ status: 'open', lastError: null });
    await fleet.close();
  });

  it('rejects duplicate ids', () => {
    expect(() =>
      createFleet({
        devices: [
          { id: 'x', url: 'ws://127.0.0.1:1/' },
          { id: 'x', url: 'ws://127.0.0.1:2/' },
        ],
      }),
    ).toThrow(/duplicate/);
  });

  it('connectConcurrency bounds the handshakes in progress', async () => {
    const [a] = await servers(1);
    let active = 0;
    let peak = 0;
    const inner = nodeTransport();
    // counts a transport as "handshaking" from creation until its first message (hello) or its close
    const counting: TransportFactory = (url, opts, h) => {
      let done = false;
      const finish = () => {
        if (!done) {
          done = true;
          active--;
        }
      };
      active++;
      peak = Math.max(peak, active);
      return inner(url, opts, {
        ...h,
        message: (text, binary) => {
          finish();
          h.message(text, binary);
        },
        close: (code, reason) => {
          finish();
          h.close(code, reason);
        },
      });
    };
    const fleet = createFleetWith(
      {
        devices: Array.from({ length: 40 }, (_, i) => ({ id: `d${i}`, url: a!.url })),
        connectConcurrency: 4,
        heartbeat: false,
      },
      counting,
    );
    expect((await fleet.ready).open).toHaveLength(40);
    expect(peak).toBe(4);
    await fleet.close();
  });
});
