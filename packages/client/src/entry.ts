/** The three ways in (client, legacy text client, fleet), bound to one transport: each entry point makes its set. */
import { type ClientOptions, connectWith, type DeviceClient } from './client';
import { createFleetWith, type Fleet, type FleetOptions } from './fleet';
import { connectLegacyWith, type LegacyClient, type LegacyOptions } from './legacy';
import type { TransportFactory } from './transport';

export interface EntryPoints {
  /** Connects, waits for hello (sending the token if asked), and returns a live client. */
  connect(url: string, opts?: ClientOptions): Promise<DeviceClient>;
  /** Tutorial firmware text mode: `LED ON` / `LED OFF`. */
  connectLegacy(url: string, opts?: LegacyOptions): Promise<LegacyClient>;
  /** Many devices, one merged event stream; starts connecting at once (await `fleet.ready`). */
  createFleet(opts: FleetOptions): Fleet;
}

/** `transportFor` picks the transport from the caller's options (e.g. a custom WebSocket class). */
export function entryPoints(transportFor: (opts: { WebSocket?: unknown }) => TransportFactory): EntryPoints {
  return {
    connect: (url, opts = {}) => connectWith(url, opts, { transport: transportFor(opts) }),
    connectLegacy: (url, opts = {}) => connectLegacyWith(url, opts, transportFor(opts)),
    createFleet: (opts) => createFleetWith(opts, transportFor(opts)),
  };
}
