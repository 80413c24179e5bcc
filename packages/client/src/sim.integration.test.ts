// Client <-> simulated bench (@esphil/sim, zero latency) over real loopback sockets, real timers: every wait is
// on an event, never on a guessed delay.
import { DEFAULT_SIM_CONFIG, type SimBench, type SimBenchOptions, startSimBench } from '@esphil/sim';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceClient } from './client';
import type { DeviceClientError } from './errors';
import type { ClientOptions } from './exports';
import { connect, connectLegacy } from './index';
import { startLinkProxy } from './testing/link-proxy';
import { nextEvent } from './testing/next-event';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function bench(opts: SimBenchOptions = {}): Promise<SimBench> {
  const b = await startSimBench({ host: '127.0.0.1', port: 0, latency: 'zero', ...opts });
  cleanup.push(() => b.close());
  return b;
}
async function client(url: string, opts: ClientOptions = {}): Promise<DeviceClient> {
  const c = await connect(url, {
    heartbeat: false,
    reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
    ...opts,
  });
  cleanup.push(() => c.close());
  return c;
}
async function refusal(p: Promise<DeviceClient>): Promise<DeviceClientError> {
  return p.then(
    (c) => {
      cleanup.push(() => c.close());
      throw new Error('expected a refusal');
    },
    (e: DeviceClientError) => e,
  );
}

describe('client <-> sim', () => {
  it('every op round trips and the mirror follows', async () => {
    const b = await bench();
    const c = await client(b.url);
    expect(c.caps.leds.map((l) => l.name)).toEqual(['status']);
    expect(c.hello.boot).toBe(b.dut.bootId);

    expect(await c.ledSet('status', true)).toEqual({ led: 'status', on: true });
    expect(await c.ledToggle('status')).toEqual({ led: 'status', on: false });
    const raw = await c.pwmSet('fan', { raw: 100 });
    expect(raw).toMatchObject({ ch: 'fan', duty: 100 });
    const full = await c.pwmSet('fan', { duty: 1 });
    expect(full.duty).toBe(2 ** full.bits - 1);
    const cfg = await c.pwmConfig('fan', 1000, 10);
    expect(cfg).toMatchObject({ ch: 'fan', freq: 1000, bits: 10 });
    expect(c.state.pwm.fan).toMatchObject({ freq: 1000, bits: 10 });
    await expect(c.pwmConfig('fan', 40_000_000, 8)).rejects.toMatchObject({ code: 'pwm_infeasible' });
    await expect(c.ledSet('nope', true)).rejects.toMatchObject({ code: 'unknown_target' });

    expect(await c.subscribeSensor('light', 20)).toEqual({ sensor: 'light', hz: 20 });
    const reading = await nextEvent(c, 'sensor');
    expect(reading.sensor).toBe('light');
    expect(c.state.sensors.light).toEqual({ raw: reading.raw, value: reading.value });
    expect(await c.unsubscribeSensor('light')).toEqual({ sensor: 'light' });

    const info = await c.info();
    expect(info.boot).toBe(b.dut.bootId);
    expect(info.clients).toBe(1);
    expect((await c.getState()).leds.status).toBe(false);
    expect((await c.ping()).uptimeMs).toBeGreaterThanOrEqual(0);
    expect(await c.setLogLevel('debug')).toEqual({ level: 'debug' });

    const reconnected = nextEvent(c, 'reconnected');
    const reboot = await c.reboot();
    expect(reboot.inMs).toBeGreaterThanOrEqual(0);
    const r = await reconnected;
    expect(r.rebooted).toBe(true);
    expect(c.hello.boot).toBe(b.dut.bootId);
  });

  it('broadcasts changes to every client and mirrors them', async () => {
    const b = await bench();
    const a = await client(b.url);
    const other = await client(b.url);
    const seen = nextEvent(a, 'led');
    await other.ledSet('status', true);
    const e = await seen;
    expect(e).toMatchObject({ led: 'status', on: true });
    expect(e.by).toMatch(/^ws:/);
    expect(a.state.leds.status).toBe(true);
  });

  it('reconnects after a reset: reboot detected, state resynced, subscription restored', async () => {
    const b = await bench();
    const c = await client(b.url);
    await c.ledSet('status', true);
    await c.subscribeSensor('light', 20);
    const reboot = nextEvent(c, 'reboot');
    const reconnected = nextEvent(c, 'reconnected');
    const before = b.dut.bootId;
    await b.dut.reset();
    const r = await reconnected;
    expect(await reboot).toEqual({ kind: 'reboot', previousBoot: before, boot: b.dut.bootId });
    expect(r.rebooted).toBe(true);
    expect(r.restored).toEqual(['light']);
    expect(r.missed.changes).toContainEqual({ kind: 'led', name: 'status', before: true, after: false });
    expect(c.state.leds.status).toBe(false);
    const reading = await nextEvent(c, 'sensor');
    expect(reading.sensor).toBe('light');
  });

  it('detects gaps under event-drop', async () => {
    const b = await bench({ faults: ['event-drop:0.5'], seed: 7 });
    const watcher = await client(b.url);
    const actor = await client(b.url);
    const gaps: { expected: number; got: number }[] = [];
    watcher.on('gap', (g) => gaps.push(g));
    for (let i = 0; i < 40; i++) await actor.ledToggle('status');
    // a round trip on the watcher's own connection: every event sent before the answer has arrived
    await watcher.getState();
    expect(gaps.length).toBeGreaterThan(0);
    for (const g of gaps) expect(g.got).toBeGreaterThan(g.expected);
  });

  it('heartbeat notices a link that went silent and reconnects when it is back', async () => {
    const b = await bench();
    const proxy = await startLinkProxy(b.url);
    cleanup.push(() => proxy.close());
    const c = await client(proxy.url, { heartbeat: { intervalMs: 100, timeoutMs: 100 } });
    const disconnected = nextEvent(c, 'disconnected');
    proxy.cut();
    expect((await disconnected).reason).toMatch(/heartbeat/);
    const reconnected = nextEvent(c, 'reconnected');
    proxy.restore();
    expect((await reconnected).rebooted).toBe(false);
  });

  it('token auth: right token works, wrong token is unauthorized', async () => {
    const b = await bench({ token: 'hunter2-hunter2-hunter2' });
    const c = await client(b.url, { token: 'hunter2-hunter2-hunter2' });
    expect(c.caps.auth).toBe(true);
    expect((await c.ledSet('status', true)).on).toBe(true);
    expect((await refusal(client(b.url, { token: 'wrong', reconnect: false }))).code).toBe('unauthorized');
    expect((await refusal(client(b.url, { reconnect: false }))).code).toBe('unauthorized');
  });

  it('Origin refusal is unauthorized', async () => {
    const b = await bench({
      config: {
        ...DEFAULT_SIM_CONFIG,
        websocket: { ...DEFAULT_SIM_CONFIG.websocket, allowedOrigins: ['http://ok.local'] },
      },
    });
    await client(b.url, { origin: 'http://ok.local' });
    const err = await refusal(client(b.url, { origin: 'http://evil.example', reconnect: false }));
    expect(err.code).toBe('unauthorized');
  });

  it('subprotocol quirk: offering a foreign name fails with the explanation, the firmware name works', async () => {
    const b = await bench();
    const err = await refusal(client(b.url, { subprotocol: 'graphql-ws', reconnect: false }));
    expect(err.code).toBe('protocol');
    expect(err.hint).toMatch(/ANY offered/);
    await client(b.url, { subprotocol: 'esphil.v1' });
  });

  it('legacy text mode', async () => {
    const b = await bench();
    const l = await connectLegacy(b.url);
    cleanup.push(() => l.close());
    expect(await l.ledOn()).toBe('LED is now ON');
    const c = await client(b.url);
    expect(c.state.leds.status).toBe(true);
    expect(await l.ledOff()).toBe('LED is now OFF');
  });

  it('client limit: the 6th client is server_full (client-limit:2 -> the 3rd)', async () => {
    const b = await bench();
    for (let i = 0; i < 5; i++) await client(b.url);
    const err = await refusal(client(b.url, { reconnect: false }));
    expect(err.code).toBe('server_full');
    expect(err.message).toMatch(/WEBSOCKETS_SERVER_CLIENT_MAX/);

    const small = await bench({ faults: ['client-limit:2'] });
    await client(small.url);
    await client(small.url);
    expect((await refusal(client(small.url, { reconnect: false }))).code).toBe('server_full');
  });

  it('a frame over 15 KiB makes the device close with 1009', async () => {
    const b = await bench();
    const c = await client(b.url, { reconnect: false });
    const disconnected = nextEvent(c, 'disconnected');
    const p = c.ledSet('x'.repeat(16 * 1024), true);
    expect((await disconnected).code).toBe(1009);
    await expect(p).rejects.toMatchObject({ code: 'disconnected' });
  });
});
