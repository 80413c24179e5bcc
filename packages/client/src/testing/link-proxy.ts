// Test helper: a TCP relay on loopback whose link can be cut silently (bytes stop flowing both ways, no FIN, no
// RST), the way a WiFi link dies. Used to show the heartbeat notices a device that went quiet.

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface LinkProxy {
  url: string;
  /** Stop relaying without closing anything. */
  cut(): void;
  /** Relay again (new connections; cut ones stay dead). */
  restore(): void;
  close(): Promise<void>;
}

export async function startLinkProxy(targetUrl: string): Promise<LinkProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    const relay = (from: Socket, to: Socket) => {
      from.on('data', (d) => {
        if (!cut) to.write(d);
      });
      from.on('end', () => {
        if (!cut) to.end();
      });
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}`,
    cut: () => {
      cut = true;
    },
    restore: () => {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
