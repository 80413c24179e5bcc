// The transport on its own: what a client sees from arduinoWebSockets (shared/reference/arduinowebsockets-facts.md).
import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  ArduinoWsTransport,
  type ArduinoWsTransportOptions,
  LIBRARY_400,
  type WsConnection,
} from './arduino-ws-transport';

const transports: ArduinoWsTransport[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

async function start(over: Partial<ArduinoWsTransportOptions> = {}): Promise<ArduinoWsTransport> {
  const t = new ArduinoWsTransport({ accepting: () => true, heartbeat: false, ...over });
  await t.listen();
  transports.push(t);
  return t;
}

/** Raw request bytes; resolves with everything the server wrote before closing. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = tcpConnect(port, '127.0.0.1', () => s.write(request));
    s.on('data', (d) => {
      got += d.toString('latin1');
    });
    s.on('error', () => {});
    s.on('close', () => resolve(got));
  });
}

/** The first bytes the server writes (then the socket is dropped). */
function firstBytes(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = tcpConnect(port, '127.0.0.1', () => s.write(request));
    s.once('data', (d) => {
      resolve(d.toString('latin1'));
      s.destroy();
    });
    s.on('error', () => {});
  });
}

const upgrade = (extra: string, version = '13', key = 'dGhlIHNhbXBsZSBub25jZQ=='): string =>
  `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n` +
  `${key ? `Sec-WebSocket-Key: ${key}\r\n` : ''}Sec-WebSocket-Version: ${version}\r\n${extra}\r\n`;

function open(t: ArduinoWsTransport): Promise<{ ws: WebSocket; conn: WsConnection }> {
  const conn = new Promise<WsConnection>((resolve) => t.once('connection', resolve));
  const ws = new WebSocket(t.url);
  sockets.push(ws);
  return Promise.all([conn, new Promise((r) => ws.once('open', r))]).then(([c]) => ({ ws, conn: c }));
}

describe('ArduinoWsTransport', () => {
  it("answers a bad handshake (version 8, no key) with the library's own 400, not ws's", async () => {
    const t = await start();
    expect(await raw(t.port, upgrade('', '8'))).toBe(LIBRARY_400);
    expect(await raw(t.port, upgrade('', '13', ''))).toBe(LIBRARY_400);
    // "keep-alive, Upgrade" contains upgrade: accepted (facts §1.1, S.cpp:769-773).
    expect(await firstBytes(t.port, upgrade(''))).toMatch(/^HTTP\/1\.1 101 /);
  });

  it('passes every header it does not parse itself to the validator, name as sent; a false is the 400', async () => {
    const seen: string[] = [];
    const t = await start({
      validateHeader: (name, value) => {
        seen.push(name);
        return !(name.toLowerCase() === 'origin' && value === 'http://evil.example');
      },
    });
    expect(await raw(t.port, upgrade('ORIGIN: http://evil.example\r\nX-Other: 1\r\n'))).toBe(LIBRARY_400);
    expect(seen).toEqual(['Host', 'ORIGIN', 'X-Other']);
  });

  it('a client beyond the slots is closed before any HTTP answer, even with a refused Origin', async () => {
    const t = await start({ maxClients: 1, validateHeader: () => false });
    const refused: string[] = [];
    t.on('refused', (r) => refused.push(r));
    const first = new ArduinoWsTransport({ accepting: () => true, heartbeat: false, maxClients: 1 });
    transports.push(first);
    await first.listen();
    await open(first);
    // Full: nothing at all, the validator is not consulted.
    expect(await raw(first.port, upgrade('Origin: http://evil.example\r\n'))).toBe('');
    // With a free slot the same request gets the 400.
    expect(await raw(t.port, upgrade('Origin: http://evil.example\r\n'))).toBe(LIBRARY_400);
    expect(refused).toEqual(['origin']);
  });

  it('delivers fragments one by one (no reassembly) and text bytes without UTF-8 checks', async () => {
    const t = await start();
    const { ws, conn } = await open(t);
    const events: string[] = [];
    conn.on('fragment', () => events.push('fragment'));
    conn.on('text', (b) => events.push(`text:${b.toString('hex')}`));
    conn.on('binary', () => events.push('binary'));
    ws.send('ab', { fin: false });
    ws.send('cd', { fin: true });
    ws.send(Buffer.from([0xff, 0xfe]), { binary: false });
    ws.send(Buffer.from([1]), { binary: true });
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (events.length >= 3) resolve();
      };
      conn.on('text', check);
      conn.on('binary', check);
    });
    expect(events).toEqual(['fragment', 'text:fffe', 'binary']);
  });
});
