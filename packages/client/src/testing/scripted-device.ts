// Test helper: a hostile device on a real loopback WebSocket server (port 0). Each connection runs a script the
// test supplies (send a bad hello, answer with the wrong shape, close right after hello...), so every failure
// mode the client must survive is a few lines of the test itself.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type HelloMessage, PROTOCOL_VERSION } from '@esphil/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import { defaultFakeState, FAKE_CAPS } from './fake-device';

export interface ScriptedConn {
  readonly ws: WebSocket;
  /** 0 for the first connection the device accepted, 1 for the next... */
  readonly index: number;
  send(msg: object): void;
  /** A valid hello (seq 0, the fake device's caps and state) with `overrides` merged in. */
  hello(overrides?: Partial<Record<keyof HelloMessage, unknown>>): void;
  /** Called with every request the client sends (parsed JSON). */
  onRequest(cb: (req: { id: number; op: string } & Record<string, unknown>) => void): void;
}

export interface ScriptedDevice {
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startScriptedDevice(script: (conn: ScriptedConn) => void): Promise<ScriptedDevice> {
  const http = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  let accepted = 0;
  wss.on('connection', (ws) => {
    ws.on('error', () => {});
    const conn: ScriptedConn = {
      ws,
      index: accepted++,
      send: (msg) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
      },
      hello: (overrides = {}) =>
        conn.send({
          t: 'hello',
          proto: PROTOCOL_VERSION,
          fw: 'hostile-1.0.0',
          board: 'esp32-devkit-v1',
          device: 'hostile',
          boot: 'boot-1',
          caps: FAKE_CAPS,
          state: defaultFakeState(),
          seq: 0,
          ...overrides,
        }),
      onRequest: (cb) =>
        ws.on('message', (data) => {
          cb(JSON.parse(data.toString()));
        }),
    };
    script(conn);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    get accepted() {
      return accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
