// Node entry: transport over `ws` (ping frames for the heartbeat, Origin header, parser-level maxPayload).
import type WebSocket from 'ws';
import { type ClientOptions, connectWith, type DeviceClient } from './client';
import { createFleetWith, type Fleet, type FleetOptions } from './fleet';
import { connectLegacyWith, type LegacyClient, type LegacyOptions } from './legacy';
import { nodeTransport } from './transport-node';

export * from './exports';
export { browserTransport } from './transport-browser';
export { nodeTransport } from './transport-node';

type WsCtor = typeof WebSocket;

function transportFor(opts: { WebSocket?: unknown }) {
  return nodeTransport(opts.WebSocket ? { WebSocket: opts.WebSocket as WsCtor } : {});
}

/** Connects, waits for hello (sending the token if asked), and returns a live client. */
export function connect(url: string, opts: ClientOptions = {}): Promise<DeviceClient> {
  return connectWith(url, opts, { transport: transportFor(opts) });
}

/** Tutorial firmware text mode: `LED ON` / `LED OFF`. */
export function connectLegacy(url: string, opts: LegacyOptions = {}): Promise<LegacyClient> {
  return connectLegacyWith(url, opts, transportFor(opts));
}

/** Many devices, one merged event stream; starts connecting at once (await `fleet.ready`). */
export function createFleet(opts: FleetOptions): Fleet {
  return createFleetWith(opts, transportFor(opts));
}
