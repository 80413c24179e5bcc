/**
 * Transport glue: the arduinoWebSockets transport (../transport/arduino-ws-transport.ts) in front of a DeviceBody,
 * as the firmware's Arduino layer sits between the library and its Device (apps/firmware/src/arduino/esphil_app.cpp):
 * library events become body calls (one at a time, like the sketch's single loop: each connection's in arrival order,
 * the connections taking turns), and the body's
 * actions become library calls (sendTXT, disconnect) or are handed to the owner (pins, NVS, restart). Every decision
 * (path, hello, seq, auth, Origin) is the body's; this file only moves bytes and keeps slots in step.
 */
import { EventEmitter } from 'node:events';
import { DeviceLoop } from '../device-loop';
import {
  ArduinoWsTransport,
  type ArduinoWsTransportOptions,
  type HandshakeInfo,
  type RefusalReason,
  type WsConnection,
} from '../transport/arduino-ws-transport';
import { DEFAULT_MAX_QUEUED_FRAMES } from '../ws-server';
import type { BodyBooted, BodyBootOptions, DeviceAction, DeviceBody } from './body';

/** The board's own calls (boot, loop passes, console, inputs); each connection is `ws:<slot>`. */
const DEVICE_SOURCE = 'device';
const connSource = (slot: number): string => `ws:${slot}`;
/** Calls dropped because their connection went away: not a body failure. */
const CANCELLED = new Error('connection gone');

export interface BodyServerOptions
  extends Pick<
    ArduinoWsTransportOptions,
    'host' | 'port' | 'protocol' | 'maxClients' | 'maxPayload' | 'heartbeat' | 'maxBufferedBytes'
  > {
  body: DeviceBody;
  /** Virtual time in ms (only moves forward). Default: ms since the server was made. */
  clock?: () => number;
  /** Run the body's loop() this often, ms; 0 = only through tick(). Default 10. */
  tickMs?: number;
  /** false while the board cannot take clients (off, booting, no WiFi). Default: once booted. */
  accepting?: () => boolean;
  /** What sendTXT and disconnect go through (the board's link faults and latency). Default: straight out. */
  link?: BodyLink;
  /** Frames one connection may have waiting for the body before its reading stops. Default DEFAULT_MAX_QUEUED_FRAMES. */
  maxQueuedFrames?: number;
}

/** The way out of the library to one connection: the board puts its link faults and latency here. */
export interface BodyLink {
  /** `answer`: the text goes to the connection whose frame the body was handling (a reply, JSON or legacy text). */
  send(conn: WsConnection, text: string, answer: boolean): void;
  close(conn: WsConnection, code: number): void;
}

const DIRECT_LINK: BodyLink = {
  send: (conn, text, _answer) => void conn.send(text),
  close: (conn, code) => conn.disconnect(code),
};

/** What the server wrote for a slot (the differential test records it), in order. */
export type BodyOutput =
  | { slot: number; kind: 'text'; text: string }
  | { slot: number; kind: 'close'; code: number }
  | { slot: -1; kind: 'refused'; reason: RefusalReason };

export interface BodyServerEvents {
  /** A pin, PWM, NVS or console (`serial`) action: the owner drives the hardware. */
  effect: [action: DeviceAction];
  /** ESP.restart(): the owner reboots the board (boot() again). */
  restart: [];
  out: [out: BodyOutput];
  /** A body call failed (a dead native process): the owner treats it as a crash. */
  error: [err: Error];
}

export class BodyServer extends EventEmitter<BodyServerEvents> {
  readonly transport: ArduinoWsTransport;
  private readonly body: DeviceBody;
  private readonly clock: () => number;
  /** Body calls, one at a time; sources (each connection, the board's own work) take turns. */
  private readonly loop = new DeviceLoop();
  readonly maxQueuedFrames: number;
  /** Connections whose reading stopped at maxQueuedFrames. */
  private readonly paused = new Set<WsConnection>();
  private readonly conns = new Map<number, WsConnection>();
  /** Actions for a slot whose CONNECTED the body has answered before the transport opened it. */
  private readonly early = new Map<number, DeviceAction[]>();
  /** Connections the body closed: their DISCONNECTED already reached it (facts §6: fired inside disconnect()). */
  private readonly closedByBody = new WeakSet<WsConnection>();
  private booted = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private last = 0;
  private readonly link: BodyLink;

  constructor(opts: BodyServerOptions) {
    super();
    this.body = opts.body;
    this.link = opts.link ?? DIRECT_LINK;
    this.maxQueuedFrames = Math.max(1, opts.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES);
    const t0 = Date.now();
    this.clock = opts.clock ?? (() => Date.now() - t0);
    this.transport = new ArduinoWsTransport({
      host: opts.host,
      port: opts.port,
      protocol: opts.protocol,
      maxClients: opts.maxClients,
      maxPayload: opts.maxPayload,
      heartbeat: opts.heartbeat,
      maxBufferedBytes: opts.maxBufferedBytes,
      accepting: opts.accepting ?? (() => this.booted),
      admit: (info) => this.admit(info),
    });
    this.transport.on('connection', (c) => this.onConnection(c));
    this.transport.on('refused', (reason) => this.emit('out', { slot: -1, kind: 'refused', reason }));
    this.transport.on('abandoned', (slot) => {
      this.early.delete(slot);
      void this.call((now) => this.body.disconnect(slot, now), connSource(slot));
    });
    const tickMs = opts.tickMs ?? 10;
    if (tickMs > 0) this.timer = setInterval(() => void this.tick(), tickMs);
  }

  get url(): string {
    return this.transport.url;
  }
  listen(): Promise<void> {
    return this.transport.listen();
  }

  async boot(opts: Omit<BodyBootOptions, 'nowMs'>): Promise<BodyBooted> {
    return this.inTurn(DEVICE_SOURCE, async () => {
      const booted = await this.body.boot({ ...opts, nowMs: this.now() });
      this.booted = true;
      this.apply(booted.actions);
      return booted;
    });
  }

  /** One pass of the device's loop(). */
  tick(): Promise<void> {
    if (!this.booted) return Promise.resolve();
    return this.call((now) => this.body.tick(now));
  }
  /** Bytes from the host on the console's RX. */
  serial(data: Uint8Array): Promise<void> {
    if (!this.booted) return Promise.resolve();
    return this.call((now) => this.body.serial(data, now));
  }
  pin(pin: number, level: 0 | 1): Promise<void> {
    return this.inTurn(DEVICE_SOURCE, () => this.body.pin(pin, level));
  }
  adc(pin: number, raw: number): Promise<void> {
    return this.inTurn(DEVICE_SOURCE, () => this.body.adc(pin, raw));
  }

  /** Resolves once no body call runs or waits. */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** Body calls that waited for their turn (not counting one that runs) for `slot`'s connection. */
  queuedFrames(slot: number): number {
    return this.loop.pending(connSource(slot));
  }

  /** Body calls made so far (tests count jobs, not milliseconds). */
  get jobsRun(): number {
    return this.loop.jobsRun;
  }

  private now(): number {
    const t = this.clock();
    if (t > this.last) this.last = t;
    return this.last;
  }

  /**
   * Body calls run one at a time, each with its actions applied before the next starts. Each connection's calls
   * keep their order, and the connections (and the board's own work) take turns: the library reads at most one
   * frame per client per loop pass (shared/reference/arduinowebsockets-facts.md §5.1, S.cpp:695-723), so one
   * client's flood cannot hold back another client's handshake by more than one call per other source.
   */
  private inTurn<T>(source: string, fn: () => Promise<T>): Promise<T> {
    const run = this.loop.run(source, fn);
    run.catch((err: unknown) => {
      if (err !== CANCELLED) this.emit('error', err instanceof Error ? err : new Error(String(err)));
    });
    return run;
  }

  /** `answering`: the slot whose frame this call hands the body (its sends to that slot are replies). */
  private call(
    fn: (now: number) => Promise<DeviceAction[]>,
    source = DEVICE_SOURCE,
    answering: number | null = null,
  ): Promise<void> {
    return this.inTurn(source, async () => this.apply(await fn(this.now()), answering)).catch(() => {});
  }

  private async admit(info: HandshakeInfo): Promise<boolean> {
    const r = await this.inTurn(connSource(info.slot), () =>
      this.body.connect(info.slot, info.url, info.headers, info.address, this.now()),
    ).catch(() => null);
    if (!r) return false;
    if (r.accepted) this.early.set(info.slot, r.actions);
    else this.apply(r.actions);
    return r.accepted;
  }

  /**
   * A frame for the body, in its connection's turn. At maxQueuedFrames waiting, reading that socket stops (the
   * library leaves what it has not read in the TCP receive window, facts §5.1) until half of them have run.
   */
  private frame(conn: WsConnection, fn: (now: number) => Promise<DeviceAction[]>): void {
    const source = connSource(conn.slot);
    void this.call(
      async (now) => {
        try {
          return await fn(now);
        } finally {
          if (this.paused.has(conn) && this.loop.pending(source) <= this.maxQueuedFrames >> 1) {
            this.paused.delete(conn);
            conn.resume();
          }
        }
      },
      source,
      conn.slot,
    );
    if (this.loop.pending(source) >= this.maxQueuedFrames && !this.paused.has(conn)) {
      this.paused.add(conn);
      conn.pause();
    }
  }

  private onConnection(conn: WsConnection): void {
    this.conns.set(conn.slot, conn);
    conn.on('text', (data) => this.frame(conn, (now) => this.body.text(conn.slot, data, now)));
    conn.on('binary', () => this.frame(conn, (now) => this.body.binary(conn.slot, now)));
    conn.on('fragment', () => this.frame(conn, (now) => this.body.fragment(conn.slot, now)));
    conn.on('disconnected', () => {
      this.paused.delete(conn);
      if (this.conns.get(conn.slot) === conn) this.conns.delete(conn.slot);
      // Frames the client sent before it went away still reach the body first: the library reads the stream in
      // order and meets the close (or the dead socket) after them. A new client in this slot waits behind them.
      if (!this.closedByBody.has(conn)) {
        void this.call((now) => this.body.disconnect(conn.slot, now), connSource(conn.slot));
      }
    });
    const early = this.early.get(conn.slot) ?? [];
    this.early.delete(conn.slot);
    this.apply(early);
  }

  private apply(actions: readonly DeviceAction[], answering: number | null = null): void {
    for (const a of actions) {
      switch (a.a) {
        case 'send': {
          const c = this.conns.get(a.slot);
          if (!c) break;
          this.emit('out', { slot: a.slot, kind: 'text', text: a.text });
          this.link.send(c, a.text, a.slot === answering);
          break;
        }
        case 'close': {
          const c = this.conns.get(a.slot);
          if (!c) break;
          this.closedByBody.add(c);
          this.conns.delete(a.slot);
          // The library reads nothing more from a client it disconnected.
          this.loop.cancel(connSource(a.slot), CANCELLED);
          this.emit('out', { slot: a.slot, kind: 'close', code: a.code });
          this.link.close(c, a.code);
          break;
        }
        case 'restart':
          // TCP of every connection still up dies with the board; the ones the body closed keep their close frame.
          this.dropConnections();
          this.emit('restart');
          break;
        default:
          this.emit('effect', a);
      }
    }
  }

  /**
   * The board went into reset (EN low, a panic): the body is gone without a word, so it hears of no DISCONNECTED;
   * every TCP connection dies. boot() again (with a fresh body behind the same `body`) to take clients.
   */
  reset(): void {
    this.dropConnections();
    this.early.clear();
  }

  private dropConnections(): void {
    this.booted = false;
    for (const c of [...this.conns.values()]) {
      this.closedByBody.add(c);
      this.loop.cancel(connSource(c.slot), CANCELLED);
      c.terminate();
    }
    this.conns.clear();
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.transport.close();
    await this.idle();
    await this.body.close();
  }
}
