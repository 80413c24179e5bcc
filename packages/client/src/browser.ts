// Browser entry: native WebSocket; the heartbeat uses the app-level ping op (browsers cannot send ping frames).
import { type ClientOptions, connectWith, type DeviceClient } from './client';
import { createFleetWith, type Fleet, type FleetOptions } from './fleet';
import { connectLegacyWith, type LegacyClient, type LegacyOptions } from './legacy';
import type { WebSocketCtor } from './transport';
import { browserTransport } from './transport-browser';

export * from './exports';
export { browserTransport } from './transport-browser';

function transportFor(opts: { WebSocket?: unknown }) {
  return browserTransport(opts.WebSocket as WebSocketCtor | undefined);
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
