// Test helper: a raw TCP server answering every HTTP request with fixed bytes, for handshake quirks that a
// well-behaved HTTP server cannot produce (arduinoWebSockets' malformed 401).

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';

/** arduinoWebSockets' refusal when a header validator (the firmware's Origin check) returns false
 * (shared/reference/arduinowebsockets-facts.md §1.3 and §2, S.h:141-149). */
export const LIBRARY_400 =
  'HTTP/1.1 400 Bad Request\r\nServer: arduino-WebSocket-Server\r\nContent-Type: text/plain\r\n' +
  'Content-Length: 32\r\nConnection: close\r\nSec-WebSocket-Version: 13\r\n\r\nThis is a Websocket server only!';

/** The exact bytes arduinoWebSockets 2.7 sends on failed basic auth: no blank line before the body
 * (shared/reference/arduinowebsockets-facts.md §1.3, S.h:158-170). */
export const MALFORMED_401 =
  'HTTP/1.1 401 Unauthorized\r\n' +
  'Server: arduino-WebSocket-Server\r\n' +
  'Content-Type: text/plain\r\n' +
  'Content-Length: 45\r\n' +
  'Connection: close\r\n' +
  'Sec-WebSocket-Version: 13\r\n' +
  'WWW-Authenticate: Basic realm="WebSocket Server"\r\n' +
  'This Websocket server requires Authorization!';

export interface RawServer {
  url: string;
  close(): Promise<void>;
}

/** Answers with `reply` once the request head has arrived; `null` = close the socket without a word. */
export async function startRawServer(reply: string | null): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let head = '';
    s.on('data', (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      if (reply === null) s.destroy();
      else s.end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
