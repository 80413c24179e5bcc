// Token guessing is slowed per remote address and per connection (PROTOCOL.md 8.1 "failed attempts"); the same
// constants and rules as the firmware core (apps/firmware/src/core/auth_throttle.cpp, host tests in
// apps/firmware/tests/unit_device.cpp). Unit level on a manual clock, then the transport with fake timers.

import {
  AUTH_BACKOFF_BASE_MS,
  AUTH_BACKOFF_MAX_MS,
  AUTH_FAILURE_MEMORY_MS,
  AUTH_FREE_FAILURES,
  AUTH_TRACKED_ADDRESSES,
  AuthThrottle,
  backoffMs,
} from '@esphil/device-model';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openClient, type TestClient } from '../testing/ws-client';
import { WsServer, type WsServerOptions } from './ws-server';

describe('AuthThrottle', () => {
  it('lets AUTH_FREE_FAILURES wrong tokens through at once, then doubles the hold up to the cap', () => {
    expect(AUTH_FREE_FAILURES).toBe(3);
    const holds = Array.from({ length: 10 }, (_, i) => backoffMs(i + 1));
    expect(holds).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffMs(1e9)).toBe(AUTH_BACKOFF_MAX_MS);
  });

  it('locks an address for the hold; a right token clears it; failures are forgotten after the memory', () => {
    let now = 1_000_000;
    const t = new AuthThrottle(() => now);
    for (let i = 0; i < AUTH_FREE_FAILURES; i++) expect(t.failed('10.0.0.9')).toBe(0);
    expect(t.gate('10.0.0.9')).toEqual({ locked: false });
    expect(t.failed('10.0.0.9')).toBe(AUTH_BACKOFF_BASE_MS);
    expect(t.gate('10.0.0.9')).toEqual({ locked: true, retryInMs: AUTH_BACKOFF_BASE_MS });
    // Another address is not affected.
    expect(t.gate('10.0.0.8')).toEqual({ locked: false });
    now += AUTH_BACKOFF_BASE_MS - 1;
    expect(t.gate('10.0.0.9')).toEqual({ locked: true, retryInMs: 1 });
    now += 1;
    expect(t.gate('10.0.0.9')).toEqual({ locked: false });
    expect(t.failed('10.0.0.9')).toBe(2 * AUTH_BACKOFF_BASE_MS);
    now += AUTH_FAILURE_MEMORY_MS;
    expect(t.failed('10.0.0.9')).toBe(0);
    for (let i = 0; i < AUTH_FREE_FAILURES; i++) t.failed('10.0.0.9');
    t.succeeded('10.0.0.9');
    expect(t.failed('10.0.0.9')).toBe(0);
  });

  it('remembers at most AUTH_TRACKED_ADDRESSES addresses, dropping the one with the oldest failure', () => {
    let now = 0;
    const t = new AuthThrottle(() => now);
    for (let a = 0; a <= AUTH_TRACKED_ADDRESSES; a++) {
      now += 1;
      for (let i = 0; i <= AUTH_FREE_FAILURES; i++) t.failed(`10.0.0.${a}`);
    }
    // 10.0.0.0 made room for the last one; the others are still locked.
    expect(t.gate('10.0.0.0')).toEqual({ locked: false });
    expect(t.gate('10.0.0.1').locked).toBe(true);
    expect(t.gate(`10.0.0.${AUTH_TRACKED_ADDRESSES}`).locked).toBe(true);
  });
});

describe('WsServer auth slowdown (fake timers)', () => {
  const TOKEN = 'a-token-of-16-chars+';
  let srv: WsServer | null = null;
  const clients: TestClient[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const c of clients.splice(0)) c.ws.terminate();
    await srv?.close();
    srv = null;
  });

  async function start(): Promise<WsServer> {
    const handler: WsServerOptions['handler'] = {
      accepting: () => true,
      hello: async () => ({ t: 'hello' }) as never,
      frame: async (slot, text) => {
        const id = (JSON.parse(text) as { id: number }).id;
        srv?.reply(slot, JSON.stringify({ t: 'res', id, ok: true, result: {} }));
      },
      sensorTick: () => {},
      disconnected: () => {},
    };
    srv = new WsServer({ handler, heartbeat: false, authToken: TOKEN });
    await srv.listen();
    return srv;
  }

  /** One connection, one auth attempt; resolves once the server has judged it. */
  async function attempt(s: WsServer, token: string, id: number) {
    const c = await openClient(s.url);
    clients.push(c);
    const judged = new Promise<number | null>((resolve) => {
      s.once('auth-failed', (_slot, _addr, hold) => resolve(hold));
    });
    c.send({ id, op: 'auth', token });
    return { c, judged };
  }

  it('holds the refusal of a wrong token past the free ones, and checks no token while the address is locked', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const s = await start();
    for (let i = 1; i <= AUTH_FREE_FAILURES; i++) {
      const { c, judged } = await attempt(s, 'wrong-guess-00000', i);
      expect(await judged).toBe(0);
      expect(await c.next((f) => f.t === 'res')).toMatchObject({ id: i, error: { code: 'unauthorized' } });
      expect((await c.closed).code).toBe(1000);
    }
    const { c: held, judged } = await attempt(s, 'wrong-guess-00004', 4);
    expect(await judged).toBe(AUTH_BACKOFF_BASE_MS);
    const slot = s.slots()[0]!;
    // The guess costs the whole window: no answer and the slot is held until it ends.
    vi.advanceTimersByTime(AUTH_BACKOFF_BASE_MS - 1);
    expect(s.slots()).toEqual([slot]);
    // Meanwhile the right token from the same address is not even checked.
    const { c: during } = await attempt(s, TOKEN, 5);
    expect(await during.next((f) => f.t === 'res')).toMatchObject({
      id: 5,
      ok: false,
      error: { code: 'unauthorized', msg: expect.stringMatching(/retry in 1 ms/) },
    });
    expect((await during.closed).code).toBe(1000);
    expect(held.frames.filter((f) => f.t === 'res')).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(await held.next((f) => f.t === 'res')).toMatchObject({ id: 4, error: { code: 'unauthorized' } });
    expect((await held.closed).code).toBe(1000);
    // After the window the right token works, and clears the address.
    const ok = await openClient(s.url);
    clients.push(ok);
    expect(await ok.request('auth', { token: TOKEN })).toMatchObject({ ok: true });
    const { judged: fresh } = await attempt(s, 'wrong-guess-00006', 6);
    expect(await fresh).toBe(0);
  });
});
