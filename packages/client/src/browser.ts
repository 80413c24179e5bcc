// Browser entry: native WebSocket; the heartbeat uses the app-level ping op (browsers cannot send ping frames).
import { type EntryPoints, entryPoints } from './entry';
import type { WebSocketCtor } from './transport';
import { browserTransport } from './transport-browser';

export * from './exports';
export { browserTransport } from './transport-browser';

export const { connect, connectLegacy, createFleet }: EntryPoints = entryPoints((opts) =>
  browserTransport(opts.WebSocket as WebSocketCtor | undefined),
);
