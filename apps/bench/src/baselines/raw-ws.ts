/**
 * The floor: plain `ws` on both ends, no protocol, no parsing. An echo server for round trips and a broadcast
 * server for fan-out (one frame in from a controller, the same event frame out to every client).
 */
import type { AddressInfo } from 'node:net';
import { withEsphilMarker } from '@esphil/protocol';
import WebSocket, { WebSocketServer } from 'ws';

export interface RawWsServer {
  url: string;
  close(): Promise<void>;
}

/** A plain ws server on an ephemeral loopback port; `onConnection` gives each client its behaviour. */
export async function listen(
  onConnection: (wss: WebSocketServer, ws: WebSocket) => void,
): Promise<RawWsServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => onConnection(wss, ws));
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** Sends every text frame straight back. */
export function startEchoServer(): Promise<RawWsServer> {
  return listen((_wss, ws) => {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
}

/**
 * Echo plus a second frame, as the esphil device answers led.set: the response and then the `led` event
 * (the protocol broadcasts state changes to every client, the sender included). Both leave in one write, as
 * the sim sends them (corked), so this is the two-frame floor and not the cost of a second syscall.
 */
export function startEchoPlusEventServer(eventFrame: (request: string) => string): Promise<RawWsServer> {
  return listen((_wss, ws) => {
    ws.on('message', (data, isBinary) => {
      corked(ws, () => {
        ws.send(data, { binary: isBinary });
        ws.send(eventFrame(data.toString()));
      });
    });
  });
}

/** Runs `fn` with the connection's socket corked: every frame it sends leaves in one write. */
export function corked(ws: WebSocket, fn: () => void): void {
  const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  socket?.cork();
  try {
    fn();
  } finally {
    socket?.uncork();
  }
}

/** Every frame from any client goes to every client (the sender included), as the event of a state change. */
export function startBroadcastServer(eventFrame: (n: number) => string): Promise<RawWsServer> {
  let n = 0;
  return listen((wss, ws) => {
    ws.on('message', () => {
      const frame = eventFrame(++n);
      for (const c of wss.clients) c.send(frame);
    });
  });
}

/**
 * Opens a plain ws client; `skipFirst` waits for and drops the server's first message (a device's hello). The URL
 * gets the `?esphil` marker, so an esphil device sends hello at once (PROTOCOL.md 2); echo servers ignore it.
 */
export async function openRaw(url: string, opts: { skipFirst?: boolean } = {}): Promise<WebSocket> {
  const ws = new WebSocket(withEsphilMarker(url));
  const first = opts.skipFirst ? new Promise<void>((resolve) => ws.once('message', () => resolve())) : null;
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await first;
  return ws;
}

export function closeRaw(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });
}

/** One round trip: send, resolve on the next message. */
export function rawRoundTrip(ws: WebSocket, frame: string): Promise<void> {
  return new Promise((resolve) => {
    ws.once('message', () => resolve());
    ws.send(frame);
  });
}
