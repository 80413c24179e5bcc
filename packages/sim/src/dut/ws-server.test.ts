import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createRng } from '../rng';
import { expectRefused, openClient } from '../testing/ws-client';
import { type WsServer as Server, WsServer, type WsServerOptions } from './ws-server';

// Unit level: the transport with a minimal handler (the device side is covered in virtual-esp32 tests).
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(over: Partial<WsServerOptions> = {}): Promise<Server> {
  let srv: Server;
  const handler: WsServerOptions['handler'] = {
    accepting: () => true,
    hello: async () => ({
      t: 'hello',
      proto: 1,
      fw: 't',
      board: 'b',
      device: 'd',
      boot: 'boot1',
      caps: {
        leds: [],
        pwm: [],
        buttons: [],
        sensors: [],
        ops: [],
        maxClients: 5,
        maxFrame: 15360,
        legacyText: true,
        auth: false,
      },
      state: { leds: {}, pwm: {}, buttons: {}, sensors: {}, logLevel: 'info' },
    }),
    frame: async (slot, text) => {
      let id: unknown = null;
      try {
        id = (JSON.parse(text) as { id?: unknown }).id;
      } catch {}
      srv.reply(slot, JSON.stringify({ t: 'res', id, ok: true, result: { echo: text, slot } }));
    },
    sensorTick: (slot, sensor) => srv.sendEvent(slot, { t: 'evt', ev: 'sensor', sensor, raw: 1, value: 1 }),
    disconnected: () => {},
    ...over.handler,
  };
  srv = new WsServer({ heartbeat: false, ...over, handler });
  await srv.listen();
  servers.push(srv);
  return srv;
}

describe('WsServer (arduinoWebSockets behaviour)', () => {
  it('sends one empty ping right after the handshake, then hello with seq 0', async () => {
    const srv = await start();
    const c = await openClient(srv.url);
    expect(c.frames[0]).toMatchObject({ t: 'hello', seq: 0 });
    await c.request('ping');
    expect(c.pings).toBe(1);
    await c.close();
  });

  it('accepts the 6th TCP connection and drops it without a handshake', async () => {
    const srv = await start();
    const clients = await Promise.all([1, 2, 3, 4, 5].map(() => openClient(srv.url)));
    const sixth = await expectRefused(srv.url);
    expect(sixth.opened).toBe(false);
    expect(sixth.error).toMatch(/socket hang up|ECONNRESET/);
    await clients[0]!.close();
    const again = await openClient(srv.url);
    expect(srv.slots()).toEqual([0, 1, 2, 3, 4]);
    await Promise.all([...clients.slice(1), again].map((c) => c.close()));
  });

  it('closes with 1009 on a frame larger than 15 KiB and survives', async () => {
    const srv = await start();
    const c = await openClient(srv.url);
    c.send('x'.repeat(15 * 1024 + 1));
    expect((await c.closed).code).toBe(1009);
    const d = await openClient(srv.url);
    expect((await d.request('ping')).ok).toBe(true);
    await d.close();
  });

  it('echoes its own subprotocol to any offer: a ws client offering another name fails', async () => {
    const srv = await start();
    const bad = await expectRefused(srv.url, { protocols: 'chat' });
    expect(bad.error).toBe('Server sent an invalid subprotocol');
    const good = await openClient(srv.url, { protocols: 'esphil.v1' });
    expect(good.ws.protocol).toBe('esphil.v1');
    const none = await openClient(srv.url);
    expect(none.ws.protocol).toBe('');
    await Promise.all([good.close(), none.close()]);
  });

  it("refuses a disallowed Origin with the library's HTTP 400, allows listed and absent Origins", async () => {
    const srv = await start({ allowedOrigins: ['http://ok.test'] });
    expect((await expectRefused(srv.url, { origin: 'http://evil.test' })).status).toBe(400);
    const ok = await openClient(srv.url, { origin: 'http://ok.test' });
    const none = await openClient(srv.url);
    await Promise.all([ok.close(), none.close()]);
  });

  it('token auth: auth_required, unauthorized until auth, then ok and hello; wrong token: unauthorized, then close 1000', async () => {
    const srv = await start({ authToken: 's3cret', authDeadlineMs: 10_000 });
    const c = await openClient(srv.url);
    expect(c.frames[0]).toEqual({ t: 'auth_required', proto: 1, deadlineMs: 10_000 });
    const denied = await c.request('info');
    expect(denied).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const ok = await c.request('auth', { token: 's3cret' });
    expect(ok.ok).toBe(true);
    expect(await c.next((f) => f.t === 'hello')).toMatchObject({ seq: 0 });
    expect((await c.request('info')).ok).toBe(true);
    await c.close();

    const w = await openClient(srv.url);
    const res = await w.request('auth', { token: 'nope' });
    expect(res).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await w.closed).code).toBe(1000);
  });

  it('when the auth deadline passes: unauthorized with id null, then close 1000', async () => {
    const srv = await start({ authToken: 't', authDeadlineMs: 30 });
    const c = await openClient(srv.url);
    expect((await c.closed).code).toBe(1000);
    expect(c.frames.at(-1)).toMatchObject({ t: 'res', id: null, ok: false, error: { code: 'unauthorized' } });
  });

  it('answers binary frames with an error and keeps the connection', async () => {
    const srv = await start();
    const c = await openClient(srv.url);
    c.ws.send(Buffer.from([1, 2, 3]));
    expect(await c.next((f) => f.t === 'res')).toMatchObject({
      ok: false,
      id: null,
      error: { code: 'bad_request' },
    });
    expect((await c.request('ping')).ok).toBe(true);
    await c.close();
  });

  it('numbers events per connection and broadcasts to every ready client', async () => {
    const srv = await start();
    const a = await openClient(srv.url);
    srv.broadcast([{ t: 'evt', ev: 'log', level: 'info', msg: 'one' }]);
    const b = await openClient(srv.url);
    srv.broadcast([{ t: 'evt', ev: 'log', level: 'info', msg: 'two' }]);
    expect(await a.next((f) => f.msg === 'two')).toMatchObject({ seq: 2 });
    expect(await b.next((f) => f.msg === 'two')).toMatchObject({ seq: 1 });
    expect(a.frames.find((f) => f.msg === 'one')).toMatchObject({ seq: 1 });
    await Promise.all([a.close(), b.close()]);
  });

  it('sends sensor events only to the subscribed client, at its rate', async () => {
    const srv = await start();
    const a = await openClient(srv.url);
    const b = await openClient(srv.url);
    srv.setSubscription(0, 'light', 100);
    srv.broadcast([{ t: 'evt', ev: 'sensor', sensor: 'light', raw: 9, value: 9 }]);
    const first = await a.next((f) => f.ev === 'sensor');
    const second = await a.next((f) => f.ev === 'sensor');
    expect([first.seq, second.seq]).toEqual([1, 2]);
    srv.setSubscription(0, 'light', null);
    expect(srv.subscriptions(0)).toEqual([]);
    await b.request('ping');
    expect(b.frames.some((f) => f.ev === 'sensor')).toBe(false);
    await Promise.all([a.close(), b.close()]);
  });

  it('heartbeat drops a client that stops answering pings and keeps one that answers', async () => {
    const srv = await start({ heartbeat: { intervalMs: 20, timeoutMs: 20, failures: 2 } });
    const live = await openClient(srv.url);
    const silent = await openClient(srv.url, { autoPong: false });
    expect((await silent.closed).code).toBe(1006);
    while (live.pings < 5) await new Promise((r) => live.ws.once('ping', r));
    expect(live.ws.readyState).toBe(live.ws.OPEN);
    await live.close();
  });

  it('drops event frames under event-drop but still uses their seq numbers', async () => {
    const srv = await start({
      faults: { ackDropRate: 0, ackDelayMs: 0, eventDropRate: 1, corruptFrameRate: 0 },
      rng: createRng(1),
    });
    const c = await openClient(srv.url);
    srv.broadcast([{ t: 'evt', ev: 'log', level: 'info', msg: 'lost' }]);
    await c.request('ping');
    expect(c.frames.some((f) => f.ev === 'log')).toBe(false);
    await c.close();
  });

  it('refuses upgrades while the device is not accepting (booting, no WiFi)', async () => {
    const srv = await start({ handler: { accepting: () => false } as unknown as WsServerOptions['handler'] });
    const r = await expectRefused(srv.url);
    expect(r.opened).toBe(false);
  });

  it('announces a wildcard listen address as loopback', async () => {
    const srv = await start({ host: '0.0.0.0' });
    expect(srv.url).toBe(`ws://127.0.0.1:${srv.port}/`);
    const c = await openClient(srv.url);
    await c.close();
  });

  it('serves websocket.path only, whatever the query: another path is closed 1000 after the 101', async () => {
    const srv = await start({ path: () => '/ws' });
    expect(srv.url).toBe(`ws://127.0.0.1:${srv.port}/ws`);
    const base = `ws://127.0.0.1:${srv.port}`;
    const wrong = new WebSocket(`${base}/other?ws`);
    const code = await new Promise<number>((resolve) => wrong.on('close', (c) => resolve(c)));
    expect(code).toBe(1000);
    const c = await openClient(`${base}/ws?x=1`);
    expect(c.frames[0]).toMatchObject({ t: 'hello' });
    await c.close();
  });
});
