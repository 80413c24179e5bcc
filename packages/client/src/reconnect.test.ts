import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceClient } from './client';
import { connect } from './index';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';
import { nextEvent } from './testing/next-event';

// Only the timer functions are faked: sockets keep running on the real event loop.
const FAKE = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] as const };

let device: FakeDevice;
let client: DeviceClient | undefined;

beforeEach(async () => {
  vi.useFakeTimers({ toFake: [...FAKE.toFake] });
  device = await startFakeDevice({});
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await device.close();
  vi.useRealTimers();
});

const reconnectOpts = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };

describe('reconnect', () => {
  it('after a reboot: backoff, resync from hello, reboot event, subscriptions restored, missed changes reported', async () => {
    client = await connect(device.url, { heartbeat: false, reconnect: reconnectOpts, random: () => 0.5 });
    await client.subscribeSensor('light', 10);
    await client.ledSet('status', true);
    await client.pwmSet('fan', { raw: 7 });
    const events: string[] = [];
    client.onAll((e) => events.push(e.kind));

    const disconnected = nextEvent(client, 'disconnected');
    device.reboot();
    expect((await disconnected).code).toBe(1006);
    expect(client.status).toBe('reconnecting');

    // full jitter with random 0.5: first delay is 0.5 x 100 ms
    await vi.advanceTimersByTimeAsync(49);
    expect(device.conns.size).toBe(0);
    const reconnected = nextEvent(client, 'reconnected');
    const reboot = nextEvent(client, 'reboot');
    await vi.advanceTimersByTimeAsync(1);
    const r = await reconnected;
    expect(await reboot).toEqual({ kind: 'reboot', previousBoot: 'boot-1', boot: 'boot-2' });
    expect(r.rebooted).toBe(true);
    expect(r.restored).toEqual(['light']);
    expect(r.restoreFailed).toEqual([]);
    expect(r.missed.attempts).toBe(1);
    expect(r.missed.downtimeMs).toBe(50);
    expect(r.missed.changes).toEqual([
      { kind: 'led', name: 'status', before: true, after: false },
      {
        kind: 'pwm',
        name: 'fan',
        before: { freq: 5000, bits: 8, duty: 7 },
        after: { freq: 5000, bits: 8, duty: 0 },
      },
    ]);
    expect(events).toEqual(['disconnected', 'reconnecting', 'reboot', 'reconnected']);
    expect(client.status).toBe('open');
    expect(client.hello.boot).toBe('boot-2');
    expect(client.state.leds.status).toBe(false);
    // the device holds the restored subscription on the new connection
    expect([...device.conns][0]!.subs.get('light')).toBe(10);
    const reading = nextEvent(client, 'sensor');
    device.reading('light', 8);
    expect((await reading).raw).toBe(8);
  });

  it('after a dropped link without reboot: rebooted false, no reboot event, seq restarts without a gap', async () => {
    client = await connect(device.url, { heartbeat: false, reconnect: reconnectOpts, random: () => 0 });
    device.press('boot', true);
    await nextEvent(client, 'button');
    const gaps: unknown[] = [];
    const reboots: unknown[] = [];
    client.on('gap', (g) => gaps.push(g));
    client.on('reboot', (g) => reboots.push(g));
    const reconnected = nextEvent(client, 'reconnected');
    device.dropAll();
    await nextEvent(client, 'disconnected');
    await vi.advanceTimersByTimeAsync(0);
    const r = await reconnected;
    expect(r.rebooted).toBe(false);
    expect(r.missed.changes).toEqual([]);
    const b = nextEvent(client, 'button');
    device.press('boot', false);
    expect((await b).seq).toBe(1);
    expect(gaps).toEqual([]);
    expect(reboots).toEqual([]);
  });

  it('reports lost events counted from gaps and the changes missed while away', async () => {
    client = await connect(device.url, { heartbeat: false, reconnect: reconnectOpts, random: () => 0 });
    device.skipSeq = 2;
    device.press('boot', true);
    await nextEvent(client, 'gap');
    device.dropAll();
    await nextEvent(client, 'disconnected');
    device.state.buttons.boot = false;
    device.state.logLevel = 'debug';
    const reconnected = nextEvent(client, 'reconnected');
    await vi.advanceTimersByTimeAsync(0);
    const r = await reconnected;
    expect(r.missed.lostEvents).toBe(2);
    expect(r.missed.changes).toEqual([
      { kind: 'button', name: 'boot', before: true, after: false },
      { kind: 'logLevel', name: 'logLevel', before: 'info', after: 'debug' },
    ]);
  });

  it('backs off exponentially with full jitter bounds while the device refuses', async () => {
    client = await connect(device.url, {
      heartbeat: false,
      reconnect: reconnectOpts,
      random: () => 0.999999,
    });
    device.maxClients = 0;
    let scheduled = nextEvent(client, 'reconnecting');
    device.dropAll();
    await nextEvent(client, 'disconnected');
    // bounds 100, 200, 400, 800, 1000 (cap), 1000; random ~1 gives delays just under each bound
    const expected = [99, 199, 399, 799, 999, 999];
    for (const [i, delay] of expected.entries()) {
      const r = await scheduled;
      expect(r.attempt).toBe(i + 1);
      expect(r.delayMs).toBe(delay);
      expect(r.error?.code ?? null).toBe(i === 0 ? null : 'server_full');
      scheduled = nextEvent(client, 'reconnecting');
      const upgrade = device.nextUpgrade();
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(device.dropped).toBe(i);
      await vi.advanceTimersByTimeAsync(1);
      await upgrade;
    }
    await scheduled;
    device.maxClients = 5;
    const reconnected = nextEvent(client, 'reconnected');
    await vi.advanceTimersByTimeAsync(999);
    expect((await reconnected).missed.attempts).toBe(expected.length + 1);
  });

  it('fails fast while reconnecting by default', async () => {
    client = await connect(device.url, { heartbeat: false, reconnect: reconnectOpts });
    device.dropAll();
    await nextEvent(client, 'disconnected');
    await expect(client.info()).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('queueWhileDisconnected holds requests (bounded) and sends them after resync', async () => {
    client = await connect(device.url, {
      heartbeat: false,
      reconnect: reconnectOpts,
      random: () => 0,
      queueWhileDisconnected: { max: 2 },
    });
    device.dropAll();
    await nextEvent(client, 'disconnected');
    const a = client.ledSet('status', true);
    const b = client.info();
    await expect(client.ping()).rejects.toMatchObject({ code: 'busy' });
    await vi.advanceTimersByTimeAsync(0);
    expect(await a).toEqual({ led: 'status', on: true });
    expect((await b).clients).toBe(1);
    expect(device.state.leds.status).toBe(true);
  });

  it('a queued request still times out', async () => {
    client = await connect(device.url, {
      heartbeat: false,
      reconnect: { initialDelayMs: 10_000, maxDelayMs: 10_000 },
      random: () => 1,
      queueWhileDisconnected: { max: 2 },
    });
    device.dropAll();
    await nextEvent(client, 'disconnected');
    const p = expect(client.info({ timeoutMs: 500 })).rejects.toMatchObject({ code: 'timeout' });
    await vi.advanceTimersByTimeAsync(500);
    await p;
  });

  it('pending requests fail with disconnected when the link drops', async () => {
    client = await connect(device.url, { heartbeat: false, reconnect: reconnectOpts });
    device.silent = true;
    const p = expect(client.info({ timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'disconnected' });
    device.dropAll();
    await p;
  });

  it('stops for good when reconnect is false', async () => {
    client = await connect(device.url, { heartbeat: false, reconnect: false });
    const closed = nextEvent(client, 'closed');
    device.dropAll();
    expect((await closed).code).toBe('disconnected');
    expect(client.status).toBe('closed');
  });

  it('gives up after maxAttempts', async () => {
    client = await connect(device.url, {
      heartbeat: false,
      reconnect: { ...reconnectOpts, maxAttempts: 2 },
      random: () => 0,
    });
    device.maxClients = 0;
    const closed = nextEvent(client, 'closed');
    let scheduled = nextEvent(client, 'reconnecting');
    device.dropAll();
    for (let i = 0; i < 2; i++) {
      await scheduled;
      scheduled = nextEvent(client, 'reconnecting');
      const up = device.nextUpgrade();
      await vi.advanceTimersByTimeAsync(0);
      await up;
    }
    expect((await closed).code).toBe('server_full');
    expect(device.dropped).toBe(2);
  });

  it('a refused token on reconnect is permanent: closed, no more attempts', async () => {
    await device.close();
    device = await startFakeDevice({ token: 'old' });
    client = await connect(device.url, {
      heartbeat: false,
      reconnect: reconnectOpts,
      random: () => 0,
      token: 'old',
    });
    device.opts.token = 'rotated';
    const closed = nextEvent(client, 'closed');
    const attempts: number[] = [];
    client.on('reconnecting', (r) => attempts.push(r.attempt));
    const scheduled = nextEvent(client, 'reconnecting');
    device.dropAll();
    await scheduled;
    await vi.advanceTimersByTimeAsync(0);
    expect(await closed).toMatchObject({ code: 'unauthorized' });
    expect(client.status).toBe('closed');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(attempts).toEqual([1]);
  });
});
