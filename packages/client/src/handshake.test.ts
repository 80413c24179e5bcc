import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeviceClient } from './client';
import { DeviceClientError } from './errors';
import { connect } from './index';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';
import { LIBRARY_400, MALFORMED_401, type RawServer, startRawServer } from './testing/raw-server';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
  vi.useRealTimers();
});

async function device(opts: Parameters<typeof startFakeDevice>[0] = {}): Promise<FakeDevice> {
  const d = await startFakeDevice(opts);
  cleanup.push(() => d.close());
  return d;
}
async function raw(reply: string | null): Promise<RawServer> {
  const s = await startRawServer(reply);
  cleanup.push(() => s.close());
  return s;
}
function keep(c: DeviceClient): DeviceClient {
  cleanup.push(() => c.close());
  return c;
}
async function failure(p: Promise<unknown>): Promise<DeviceClientError> {
  const err = await p.then(
    (c) => {
      keep(c as DeviceClient);
      throw new Error('expected connect to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeviceClientError);
  return err as DeviceClientError;
}
const noRetry = { heartbeat: false, reconnect: false } as const;

describe('token auth', () => {
  it('answers auth_required with the token and gets hello', async () => {
    const d = await device({ token: 's3cret' });
    const c = keep(await connect(d.url, { ...noRetry, token: 's3cret' }));
    expect(c.caps.auth).toBe(true);
    expect(JSON.parse(d.received[0]!)).toEqual({ id: 0, op: 'auth', token: 's3cret' });
    expect(await c.ledSet('status', true)).toEqual({ led: 'status', on: true });
  });

  it('wrong token -> unauthorized', async () => {
    const d = await device({ token: 's3cret' });
    const err = await failure(connect(d.url, { ...noRetry, token: 'nope' }));
    expect(err.code).toBe('unauthorized');
  });

  it('no token for a device that needs one -> unauthorized with a hint', async () => {
    const d = await device({ token: 's3cret' });
    const err = await failure(connect(d.url, noRetry));
    expect(err.code).toBe('unauthorized');
    expect(err.hint).toMatch(/token/);
  });

  it('close 1008 after the auth request -> unauthorized', async () => {
    const d = await device({ token: 's3cret', authRefusal: 'close' });
    const err = await failure(connect(d.url, { ...noRetry, token: 'x' }));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toMatch(/1008/);
  });
});

describe('HTTP-level refusals', () => {
  it('the malformed arduinoWebSockets 401 (HPE_INVALID_HEADER_TOKEN) -> unauthorized', async () => {
    const s = await raw(MALFORMED_401);
    const err = await failure(connect(s.url, noRetry));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toMatch(/parse/i);
    expect(err.hint).toMatch(/malformed 401/);
  });

  it('a clean 401 -> unauthorized', async () => {
    const s = await raw('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    const err = await failure(connect(s.url, noRetry));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toMatch(/401/);
  });

  it("the library's 400 (an Origin the firmware refuses) -> unauthorized with the allowedOrigins hint", async () => {
    const s = await raw(LIBRARY_400);
    const err = await failure(connect(s.url, { ...noRetry, origin: 'http://evil.test' }));
    expect(err.code).toBe('unauthorized');
    expect(err.message).toMatch(/400/);
    expect(err.hint).toMatch(/allowedOrigins/);
  });

  it('503 -> server_full', async () => {
    const s = await raw('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect((await failure(connect(s.url, noRetry))).code).toBe('server_full');
  });

  it('connection closed without an answer -> server_full with the 5-client hint', async () => {
    const s = await raw(null);
    const err = await failure(connect(s.url, noRetry));
    expect(err.code).toBe('server_full');
    expect(err.hint).toMatch(/5 clients/);
  });

  it('nothing listening -> connect_failed', async () => {
    const s = await raw(null);
    const url = s.url;
    await s.close();
    expect((await failure(connect(url, noRetry))).code).toBe('connect_failed');
  });
});

describe('client limit', () => {
  it('the 6th connection is dropped -> server_full, naming the limit', async () => {
    const d = await device({});
    for (let i = 0; i < 5; i++) keep(await connect(d.url, noRetry));
    const err = await failure(connect(d.url, noRetry));
    expect(err.code).toBe('server_full');
    expect(err.message).toMatch(/WEBSOCKETS_SERVER_CLIENT_MAX/);
    expect(d.dropped).toBe(1);
  });
});

describe('Origin', () => {
  it('sends the origin option and is accepted when it matches', async () => {
    const d = await device({ origin: 'http://esphil.local' });
    keep(await connect(d.url, { ...noRetry, origin: 'http://esphil.local' }));
    expect([...d.conns][0]!.origin).toBe('http://esphil.local');
  });

  it('a refused Origin (1008 after the upgrade) -> unauthorized mentioning Origin', async () => {
    const d = await device({ origin: 'http://esphil.local' });
    const err = await failure(connect(d.url, { ...noRetry, origin: 'http://evil.example' }));
    expect(err.code).toBe('unauthorized');
    expect(err.hint).toMatch(/Origin/);
  });
});

describe('subprotocol echo quirk', () => {
  it('offering esphil.v1 to a server that echoes "arduino" -> protocol error explaining the quirk', async () => {
    const d = await device({ protocolName: 'arduino' });
    const err = await failure(connect(d.url, { ...noRetry, subprotocol: 'esphil.v1' }));
    expect(err.code).toBe('protocol');
    expect(err.message).toMatch(/invalid subprotocol/);
    expect(err.hint).toMatch(/ANY offered Sec-WebSocket-Protocol/);
  });

  it('offering exactly the firmware name works', async () => {
    const d = await device({ protocolName: 'esphil.v1' });
    keep(await connect(d.url, { ...noRetry, subprotocol: 'esphil.v1' }));
    expect([...d.conns][0]!.protocol).toBe('esphil.v1');
  });

  it('offering nothing (default) works against the echoing server', async () => {
    const d = await device({ protocolName: 'arduino' });
    keep(await connect(d.url, noRetry));
    expect([...d.conns][0]!.protocol).toBe('');
  });
});

describe('protocol version', () => {
  it('a hello with another protocol version fails at once with protocol', async () => {
    const d = await device({ proto: 2 });
    const err = await failure(connect(d.url, noRetry));
    expect(err.code).toBe('protocol');
    expect(err.message).toMatch(/protocol 2/);
    await vi.waitUntil(() => d.closeCodes.length === 1, { interval: 0 });
    expect(d.closeCodes).toEqual([1002]);
  });
});

describe('connect timeout', () => {
  it('no hello within timeoutMs -> timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const d = await device({ legacyOnly: true });
    const accepted = d.nextConnection();
    const p = failure(connect(d.url, { ...noRetry, timeoutMs: 2000 }));
    await accepted;
    await vi.advanceTimersByTimeAsync(1999);
    expect(d.conns.size).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const err = await p;
    expect(err.code).toBe('timeout');
    expect(err.message).toMatch(/no hello/);
  });
});

describe('a device past websocket.maxClients (PROTOCOL.md 2.3)', () => {
  it('busy with id null before hello, then close 1000 -> server_full naming the limit', async () => {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    cleanup.push(() => new Promise<void>((r) => wss.close(() => r())));
    wss.on('connection', (ws) => {
      // What Device::onConnect sends in a slot past the config's limit: the reason, then the library's disconnect().
      ws.send(
        '{"t":"res","id":null,"ok":false,"error":{"code":"busy","msg":"device full: websocket.maxClients is 2"}}',
      );
      ws.close(1000);
    });
    const port = (wss.address() as { port: number }).port;
    const err = await failure(connect(`ws://127.0.0.1:${port}/`, noRetry));
    expect(err.code).toBe('server_full');
    expect(err.message).toMatch(/websocket\.maxClients is 2/);
    expect(err.hint).toMatch(/websocket\.maxClients/);
  });
});
