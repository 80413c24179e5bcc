import { type ClientDeps, type ClientOptions, type ClientStatus, DeviceClient } from './client';
import { EventHub, reportListenerError } from './emitter';
import { EventStream, type EventStreamOptions } from './event-stream';
import type { ClientEvent } from './events';
import { ConnectGate } from './gate';
import { DEFAULT_HEARTBEAT, HeartbeatScheduler, heartbeatTickMs } from './heartbeat';
import { defaultTimers } from './timers';
import type { TransportFactory } from './transport';

/** Handshakes running at once across a fleet (initial connects and reconnects). */
export const DEFAULT_CONNECT_CONCURRENCY = 32;

export interface FleetDevice {
  id: string;
  url: string;
  /** Per-device token (overrides the fleet-wide `token`). */
  token?: string;
}

export interface FleetOptions extends ClientOptions {
  devices: FleetDevice[];
  /** Handshakes in progress at once (default 32). */
  connectConcurrency?: number;
}

/** A client event tagged with the device it came from. */
export type FleetEvent = ClientEvent & { device: string };
export type FleetEventKind = FleetEvent['kind'];
export type FleetEventOf<K extends FleetEventKind> = Extract<FleetEvent, { kind: K }>;

export interface DeviceStatusInfo {
  id: string;
  url: string;
  status: ClientStatus;
  /** Boot id from the latest hello, null before the first one. */
  boot: string | null;
  /** The last connection failure, cleared when the device is connected. */
  lastError: { code: string; message: string } | null;
}

export interface FleetReadyReport {
  open: string[];
  /** Devices whose first attempt failed; they keep retrying unless reconnect is false or the failure is permanent. */
  failed: { id: string; code: string; message: string }[];
}

export interface Fleet {
  readonly ids: readonly string[];
  /** Settles once every device had its first connection attempt. */
  readonly ready: Promise<FleetReadyReport>;
  client(id: string): DeviceClient | undefined;
  status(id: string): DeviceStatusInfo | undefined;
  statuses(): DeviceStatusInfo[];
  on<K extends FleetEventKind>(kind: K, cb: (e: FleetEventOf<K>) => void): () => void;
  events<K extends FleetEventKind = FleetEventKind>(
    opts?: EventStreamOptions & { kinds?: readonly K[] },
  ): EventStream<FleetEventOf<K>>;
  close(): Promise<void>;
}

/**
 * Many devices, one tagged event stream. Scales by sharing: one heartbeat timer for every connection, one
 * concurrency gate for handshakes, and no per-device timers while a device is idle and healthy.
 */
export function createFleetWith(opts: FleetOptions, transport: TransportFactory): Fleet {
  const { devices, connectConcurrency, ...clientOpts } = opts;
  const byId = new Map<string, FleetDevice>();
  for (const d of devices) {
    if (byId.has(d.id)) throw new TypeError(`duplicate fleet device id ${JSON.stringify(d.id)}`);
    byId.set(d.id, d);
  }
  const timers = clientOpts.timers ?? defaultTimers;
  const hbOpts = clientOpts.heartbeat === false ? false : { ...DEFAULT_HEARTBEAT, ...clientOpts.heartbeat };
  const deps: ClientDeps = {
    transport,
    gate: new ConnectGate(connectConcurrency ?? DEFAULT_CONNECT_CONCURRENCY),
    ...(hbOpts ? { heartbeat: new HeartbeatScheduler(timers, heartbeatTickMs(hbOpts)) } : {}),
  };
  const hub = new EventHub<FleetEvent>(reportListenerError);
  const streams = new Set<EventStream<FleetEvent>>();
  const clients = new Map<string, DeviceClient>();
  const lastError = new Map<string, { code: string; message: string } | null>();
  let closed = false;

  for (const d of devices) {
    const c = new DeviceClient(
      d.url,
      d.token !== undefined ? { ...clientOpts, token: d.token } : clientOpts,
      deps,
    );
    clients.set(d.id, c);
    lastError.set(d.id, null);
    c.onAll((e) => {
      if (e.kind === 'reconnected') lastError.set(d.id, null);
      if (e.kind === 'closed' && e.code !== null) lastError.set(d.id, { code: e.code, message: e.message });
      hub.emit({ ...e, device: d.id } as FleetEvent);
    });
  }

  const ready = Promise.all(
    devices.map(async (d) => {
      const c = clients.get(d.id)!;
      try {
        const err = await c.start(true);
        if (err) lastError.set(d.id, { code: err.code, message: err.message });
        return err ? { id: d.id, code: err.code, message: err.message } : d.id;
      } catch (err) {
        const e = err as { code?: string; message?: string };
        lastError.set(d.id, { code: e.code ?? 'connect_failed', message: e.message ?? String(err) });
        return { id: d.id, code: e.code ?? 'connect_failed', message: e.message ?? String(err) };
      }
    }),
  ).then((rs) => {
    const report: FleetReadyReport = { open: [], failed: [] };
    for (const r of rs) {
      if (typeof r === 'string') report.open.push(r);
      else report.failed.push(r);
    }
    return report;
  });

  const statusOf = (d: FleetDevice): DeviceStatusInfo => {
    const c = clients.get(d.id)!;
    let boot: string | null = null;
    try {
      boot = c.hello.boot;
    } catch {
      boot = null;
    }
    return { id: d.id, url: d.url, status: c.status, boot, lastError: lastError.get(d.id) ?? null };
  };

  return {
    ids: devices.map((d) => d.id),
    ready,
    client: (id) => clients.get(id),
    status: (id) => {
      const d = byId.get(id);
      return d ? statusOf(d) : undefined;
    },
    statuses: () => devices.map(statusOf),
    on: (kind, cb) => hub.on(kind, cb),
    events: <K extends FleetEventKind = FleetEventKind>(
      so: EventStreamOptions & { kinds?: readonly K[] } = {},
    ) => {
      const kinds = so.kinds ? new Set<string>(so.kinds) : null;
      let off = () => {};
      const stream = new EventStream<FleetEvent>(so, () => {
        off();
        streams.delete(stream);
      });
      off = hub.onAny((e) => {
        if (!kinds || kinds.has(e.kind)) stream.push(e);
      });
      streams.add(stream);
      if (closed) stream.end();
      return stream as unknown as EventStream<FleetEventOf<K>>;
    },
    close: async () => {
      closed = true;
      await Promise.all([...clients.values()].map((c) => c.close()));
      for (const s of [...streams]) s.end();
    },
  };
}
