// The client against scripted hostile devices on real loopback sockets: each test is one way a device (or a
// firmware bug) can lie, and what the client must do about it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceClient } from './client';
import type { ClientEvent } from './events';
import { connect } from './index';
import { nextEvent } from './testing/next-event';
import { type ScriptedConn, type ScriptedDevice, startScriptedDevice } from './testing/scripted-device';
import type { Timers } from './timers';
import { defaultTimers } from './timers';

let device: ScriptedDevice | undefined;
let client: DeviceClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  await device?.close();
  device = undefined;
  vi.useRealTimers();
});

const noRetry = { heartbeat: false, reconnect: false } as const;

/** A device that says hello and then answers every request with `answer(req)`. */
async function answering(answer: (req: { id: number; op: string }) => object): Promise<ScriptedDevice> {
  return startScriptedDevice((c) => {
    c.hello();
    c.onRequest((req) => c.send(answer(req)));
  });
}

describe('backoff across drops', () => {
  it('a device that closes right after hello is retried at growing delays, reset only after a stable connection', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let stayUp = false;
    let last: ScriptedConn | undefined;
    device = await startScriptedDevice((c) => {
      last = c;
      c.hello();
      if (!stayUp) c.ws.close(1001, 'going away');
    });
    const reconnect = {
      initialDelayMs: 100,
      maxDelayMs: 10_000,
      jitter: 'none',
      stableAfterMs: 5000,
    } as const;
    client = await connect(device.url, { heartbeat: false, reconnect });
    const c = client;
    // Each connection succeeds (hello arrives) and drops at once: the delay must keep doubling.
    for (const delay of [100, 200, 400, 800]) {
      const ev = await nextEvent(c, 'reconnecting');
      expect(ev.delayMs).toBe(delay);
      await vi.advanceTimersByTimeAsync(delay);
    }
    const ev = await nextEvent(c, 'reconnecting');
    expect(ev.delayMs).toBe(1600);
    stayUp = true;
    const reconnected = nextEvent(c, 'reconnected');
    await vi.advanceTimersByTimeAsync(1600);
    await reconnected;
    // Up for stableAfterMs: the next drop starts over at initialDelayMs.
    await vi.advanceTimersByTimeAsync(5000);
    const again = nextEvent(c, 'reconnecting');
    last!.ws.terminate();
    expect((await again).delayMs).toBe(100);
    expect(device.accepted).toBe(6);
  });
});

describe('results are decoded and checked against their op before anything sees them', () => {
  it('an ok result of the wrong shape fails that request with protocol and leaves the mirror alone', async () => {
    device = await answering((req) => ({ t: 'res', id: req.id, ok: true, result: { led: 42 } }));
    client = await connect(device.url, noRetry);
    const reported = nextEvent(client, 'protocol-error');
    await expect(client.ledSet('status', true)).rejects.toMatchObject({ code: 'protocol', op: 'led.set' });
    expect((await reported).code).toBe('bad_result');
    expect(client.state.leds).toEqual({ status: false });
    expect(client.status).toBe('open');
  });

  it('a result naming an LED outside caps fails with protocol and adds nothing to the mirror', async () => {
    device = await answering((req) => ({
      t: 'res',
      id: req.id,
      ok: true,
      result: { led: 'ghost', on: true },
    }));
    client = await connect(device.url, noRetry);
    const err = await client.ledSet('status', true).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'protocol', op: 'led.set' });
    expect(String((err as Error).message)).toMatch(/ghost.*caps\.leds/);
    expect(client.state.leds).toEqual({ status: false });
  });

  it('an event naming an LED outside caps is reported, not applied, not delivered, and causes no gap', async () => {
    let conn: ScriptedConn | undefined;
    device = await startScriptedDevice((c) => {
      conn = c;
      c.hello();
    });
    client = await connect(device.url, noRetry);
    const seen: ClientEvent[] = [];
    client.onAll((e) => seen.push(e));
    const status = nextEvent(client, 'led', (e) => e.led === 'status');
    conn!.send({ t: 'evt', seq: 1, ev: 'led', led: 'ghost', on: true, by: 'button' });
    conn!.send({ t: 'evt', seq: 2, ev: 'led', led: 'status', on: true, by: 'button' });
    await status;
    expect(seen.map((e) => e.kind)).toEqual(['protocol-error', 'led']);
    expect(seen[0]).toMatchObject({ code: 'unknown_target', message: expect.stringMatching(/ghost/) });
    expect(client.state.leds).toEqual({ status: true });
  });
});

describe('error responses', () => {
  it('an unknown error code fails the request at once with protocol, keeping the raw code', async () => {
    device = await answering((req) => ({
      t: 'res',
      id: req.id,
      ok: false,
      error: { code: 'teapot', msg: 'short and stout' },
    }));
    client = await connect(device.url, { ...noRetry, requestTimeoutMs: 600_000 });
    const err = await client.ping().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'protocol', op: 'ping', deviceCode: 'teapot' });
    expect(String((err as Error).message)).toMatch(/teapot/);
    expect(client.inFlight).toBe(0);
  });
});

describe('handshake', () => {
  it('a hello missing caps fails connect with protocol naming the field, not a bare timeout', async () => {
    device = await startScriptedDevice((c) => c.hello({ caps: undefined }));
    const err = await connect(device.url, { ...noRetry, timeoutMs: 600_000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'protocol' });
    expect(String((err as Error).message)).toMatch(/hello.*caps/);
  });
});

describe('retryFirstConnect', () => {
  /** Real timers, but every delay the client asks for is recorded (handshake timeouts excluded). */
  function recording(): { timers: Timers; delays: number[] } {
    const delays: number[] = [];
    return {
      delays,
      timers: {
        ...defaultTimers,
        setTimeout: (fn, ms) => {
          if (ms !== 5000) delays.push(ms);
          return defaultTimers.setTimeout(fn, ms);
        },
      },
    };
  }
  const refuseFirst = (n: number) =>
    startScriptedDevice((c) => {
      if (c.index < n) c.ws.close(1011, 'not ready');
      else c.hello();
    });
  const backoff = { initialDelayMs: 10, factor: 2, jitter: 'none' } as const;

  it('off (the default): the first failure rejects', async () => {
    device = await refuseFirst(2);
    await expect(connect(device.url, { heartbeat: false })).rejects.toMatchObject({ code: 'connect_failed' });
    expect(device.accepted).toBe(1);
  });

  it('on: retries with the reconnect backoff until the device answers', async () => {
    device = await refuseFirst(2);
    const { timers, delays } = recording();
    client = await connect(device.url, {
      heartbeat: false,
      reconnect: backoff,
      timers,
      retryFirstConnect: true,
    });
    expect(client.status).toBe('open');
    expect(device.accepted).toBe(3);
    expect(delays).toEqual([10, 20]);
  });

  it('on: gives up after maxAttempts with the last error', async () => {
    device = await refuseFirst(10);
    const { timers, delays } = recording();
    await expect(
      connect(device.url, {
        heartbeat: false,
        reconnect: { ...backoff, maxAttempts: 3 },
        timers,
        retryFirstConnect: true,
      }),
    ).rejects.toMatchObject({ code: 'connect_failed' });
    expect(device.accepted).toBe(3);
    expect(delays).toEqual([10, 20]);
  });
});
