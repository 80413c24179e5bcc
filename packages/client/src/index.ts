// Node entry: transport over `ws` (ping frames for the heartbeat, Origin header, parser-level maxPayload).
import type WebSocket from 'ws';
import { type EntryPoints, entryPoints } from './entry';
import { nodeTransport } from './transport-node';

export * from './exports';
export { browserTransport } from './transport-browser';
export { nodeTransport } from './transport-node';

type WsCtor = typeof WebSocket;

export const { connect, connectLegacy, createFleet }: EntryPoints = entryPoints((opts) =>
  nodeTransport(opts.WebSocket ? { WebSocket: opts.WebSocket as WsCtor } : {}),
);
