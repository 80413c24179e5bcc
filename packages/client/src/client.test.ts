import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceClient } from './client';
import { DeviceClientError } from './errors';
import type { ClientEvent } from './events';
import { connect } from './index';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';
import { nextEvent } from './testing/next-event';

let device: FakeDevice;
let client: DeviceClient;

beforeEach(async () => {
  device = await startFakeDevice({});
  client = await connect(device.url, { heartbeat: false, reconnect: false });
});
afterEach(async () => {
  await client.close();
  await device.close();
});

describe('connect', () => {
  it('exposes hello, caps and the state from hello', () => {
    expect(client.status).toBe('open');
    expect(client.hello.boot).toBe('boot-1');
    expect(client.caps.leds).toEqual([{ name: 'status', pin: 2 }]);
    expect(client.state.pwm.fan).toEqual({ freq: 5000, bits: 8, duty: 0 });
  });

  it('offers no subprotocol by default', () => {
    expect([...device.conns][0]!.protocol).toBe('');
  });
});

describe('every op round trips', () => {
  it('led.set / led.toggle update the device and the mirror', async () => {
    expect(await client.ledSet('status', true)).toEqual({ led: 'status', on: true });
    expect(device.state.leds.status).toBe(true);
    expect(client.state.leds.status).toBe(true);
    expect(await client.ledToggle('status')).toEqual({ led: 'status', on: false });
    expect(client.state.leds.status).toBe(false);
  });

  it('pwm.set with duty and raw, pwm.config', async () => {
    expect(await client.pwmSet('fan', { duty: 1 })).toEqual({ ch: 'fan', freq: 5000, bits: 8, duty: 255 });
    expect(await client.pwmSet('fan', { raw: 10 })).toMatchObject({ duty: 10 });
    expect(await client.pwmConfig('fan', 1000, 10)).toEqual({ ch: 'fan', freq: 1000, bits: 10, duty: 10 });
    expect(client.state.pwm.fan).toEqual({ freq: 1000, bits: 10, duty: 10 });
    expect(JSON.parse(device.received.at(-1)!)).toMatchObject({
      op: 'pwm.config',
      ch: 'fan',
      freq: 1000,
      bits: 10,
    });
  });

  it('sensor subscribe/unsubscribe track subscriptions', async () => {
    expect(await client.subscribeSensor('light', 10)).toEqual({ sensor: 'light', hz: 10 });
    expect([...client.subscriptions]).toEqual([['light', 10]]);
    expect(await client.unsubscribeSensor('light')).toEqual({ sensor: 'light' });
    expect(client.subscriptions.size).toBe(0);
  });

  it('info, state.get, ping, log.level', async () => {
    expect((await client.info()).boot).toBe('boot-1');
    device.state.leds.status = true;
    expect((await client.getState()).leds.status).toBe(true);
    expect(client.state.leds.status).toBe(true);
    const p = await client.ping();
    expect(p.uptimeMs).toBe(0);
    expect(typeof p.ts).toBe('number');
    expect(await client.setLogLevel('debug')).toEqual({ level: 'debug' });
    expect(client.state.logLevel).toBe('debug');
  });

  it('reboot answers then the connection drops', async () => {
    const disconnected = nextEvent(client, 'disconnected');
    expect(await client.reboot()).toEqual({ inMs: 0 });
    await disconnected;
    expect(client.status).toBe('closed');
  });

  it('generic request is typed by op and correlates by id', async () => {
    const [a, b] = await Promise.all([
      client.request('led.set', { led: 'status', on: true }),
      client.request('info'),
    ]);
    expect(a.on).toBe(true);
    expect(b.fw).toBe('fake-1.0.0');
    const ids = device.received.map((f) => JSON.parse(f).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("device errors reject with the device's code", async () => {
    const err = await client.ledSet('nope', true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceClientError);
    expect(err).toMatchObject({ code: 'unknown_target', op: 'led.set' });
    await expect(client.pwmConfig('fan', 40_000_000, 8)).rejects.toMatchObject({ code: 'pwm_infeasible' });
  });
});

describe('events and state mirror', () => {
  it('applies button, sensor, led and pwm events and delivers them to callbacks', async () => {
    const seen: ClientEvent[] = [];
    const off = client.onAll((e) => seen.push(e));
    const button = nextEvent(client, 'button');
    device.press('boot', true);
    expect(await button).toMatchObject({ kind: 'button', button: 'boot', pressed: true, seq: 1 });
    expect(client.state.buttons.boot).toBe(true);

    await client.subscribeSensor('light', 10);
    const sensor = nextEvent(client, 'sensor');
    device.reading('light', 100);
    expect(await sensor).toMatchObject({ sensor: 'light', raw: 100, value: 50 });
    expect(client.state.sensors.light).toEqual({ raw: 100, value: 50 });
    off();
    expect(seen.map((e) => e.kind)).toEqual(['button', 'sensor']);
  });

  it('reflects changes made by another client', async () => {
    const other = await connect(device.url, { heartbeat: false, reconnect: false });
    const led = nextEvent(client, 'led');
    await other.ledSet('status', true);
    expect(await led).toMatchObject({ led: 'status', on: true, by: 'ws:1' });
    expect(client.state.leds.status).toBe(true);
    await other.close();
  });

  it('on() returns an unsubscribe', async () => {
    const got: number[] = [];
    const off = client.on('button', (e) => got.push(e.seq));
    device.press('boot', true);
    await nextEvent(client, 'button');
    off();
    device.press('boot', false);
    await nextEvent(client, 'button');
    expect(got).toEqual([1]);
  });

  it('a throwing listener does not stop delivery', async () => {
    const orig = console.error;
    const logged: unknown[] = [];
    console.error = (...a: unknown[]) => logged.push(a);
    try {
      client.on('button', () => {
        throw new Error('boom');
      });
      const e = nextEvent(client, 'button');
      device.press('boot', true);
      expect((await e).pressed).toBe(true);
      expect(logged).toHaveLength(1);
    } finally {
      console.error = orig;
    }
  });

  it('onListenerError receives what a listener threw and the event kind, instead of console.error', async () => {
    const orig = console.error;
    const logged: unknown[] = [];
    console.error = (...a: unknown[]) => logged.push(a);
    const routed: [unknown, string][] = [];
    const c = await connect(device.url, {
      heartbeat: false,
      reconnect: false,
      onListenerError: (err, event) => routed.push([err, event]),
    });
    try {
      const boom = new Error('boom');
      c.on('button', () => {
        throw boom;
      });
      const e = nextEvent(c, 'button');
      device.press('boot', true);
      expect((await e).pressed).toBe(true);
      expect(routed).toEqual([[boom, 'button']]);
      expect(logged).toHaveLength(0);
    } finally {
      console.error = orig;
      await c.close();
    }
  });

  it('async iteration with kinds filter', async () => {
    const it = client.events({ kinds: ['button'] });
    device.press('boot', true);
    await client.ledSet('status', true);
    device.press('boot', false);
    const a = await it.next();
    const b = await it.next();
    expect(a.value).toMatchObject({ kind: 'button', pressed: true });
    expect(b.value).toMatchObject({ kind: 'button', pressed: false });
    await it.return();
    expect((await it.next()).done).toBe(true);
  });

  it('for-await ends when the client closes', async () => {
    const kinds: string[] = [];
    const done = (async () => {
      for await (const e of client.events()) kinds.push(e.kind);
    })();
    device.press('boot', true);
    await nextEvent(client, 'button');
    await client.close();
    await done;
    expect(kinds).toEqual(['button', 'closed']);
  });
});

describe('sequence gaps', () => {
  it("emits 'gap' with expected and got when events are lost", async () => {
    device.press('boot', true); // seq 1
    await nextEvent(client, 'button');
    const gap = nextEvent(client, 'gap');
    device.skipSeq = 3; // seq 2..4 lost
    device.press('boot', false); // seq 5
    expect(await gap).toEqual({ kind: 'gap', expected: 2, got: 5 });
    const next = nextEvent(client, 'button');
    const gaps: unknown[] = [];
    client.on('gap', (g) => gaps.push(g));
    device.press('boot', true); // seq 6, no gap
    expect((await next).seq).toBe(6);
    expect(gaps).toEqual([]);
  });

  it('re-reads the state after a gap so the mirror is exact again', async () => {
    // a change the client never heard about, then a gap
    device.state.leds.status = true;
    device.skipSeq = 1;
    device.press('boot', true);
    await nextEvent(client, 'gap');
    await client.ping(); // answered after the state.get that the gap triggered
    expect(device.received.map((f) => JSON.parse(f).op)).toEqual(['state.get', 'ping']);
    expect(client.state.leds.status).toBe(true);
  });

  it('resyncOnGap: false leaves it to the application', async () => {
    await client.close();
    client = await connect(device.url, { heartbeat: false, reconnect: false, resyncOnGap: false });
    device.skipSeq = 1;
    device.press('boot', true);
    await nextEvent(client, 'gap');
    await client.ping();
    expect(device.received.map((f) => JSON.parse(f).op)).toEqual(['ping']);
  });
});

describe('request limits', () => {
  it("fails fast with 'not_connected' after close", async () => {
    await client.close();
    await expect(client.info()).rejects.toMatchObject({ code: 'not_connected' });
  });

  it("bounded in-flight map: one over maxInFlight is 'busy'", async () => {
    await client.close();
    client = await connect(device.url, { heartbeat: false, reconnect: false, maxInFlight: 2 });
    device.silent = true;
    const a = expect(client.info({ timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'disconnected' });
    const b = expect(client.info({ timeoutMs: 60_000 })).rejects.toMatchObject({ code: 'disconnected' });
    await expect(client.info()).rejects.toMatchObject({ code: 'busy' });
    expect(client.inFlight).toBe(2);
    await client.close();
    await a;
    await b;
  });

  it('AbortSignal: already aborted and aborted while waiting', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(client.info({ signal: ac.signal })).rejects.toMatchObject({ code: 'aborted' });
    device.silent = true;
    const ac2 = new AbortController();
    const p = client.info({ signal: ac2.signal, timeoutMs: 60_000 });
    expect(client.inFlight).toBe(1);
    ac2.abort();
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
    expect(client.inFlight).toBe(0);
  });
});
