import type {
  Capabilities,
  DeviceInfo,
  DeviceStateSnapshot,
  Event,
  HelloMessage,
  LogLevel,
  Op,
  Request,
  ResultByOp,
} from '@esphil/protocol';
import { MAX_FRAME_BYTES } from '@esphil/protocol';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff';
import { eventOutsideCaps, resultOutsideCaps } from './caps-check';
import { decodeDeviceMessage, encodeMessage } from './codec';
import { EventHub, reportListenerError } from './emitter';
import { DeviceClientError, PROTOCOL_VERSION_HINT, SUBPROTOCOL_HINT } from './errors';
import { EventStream, type EventStreamOptions } from './event-stream';
import {
  type ClientEvent,
  type ClientEventKind,
  type ClientEventOf,
  excerpt,
  type MissedSummary,
} from './events';
import type { ConnectGate } from './gate';
import {
  DEFAULT_HEARTBEAT,
  type HeartbeatMember,
  type HeartbeatOptions,
  HeartbeatScheduler,
  heartbeatTickMs,
} from './heartbeat';
import { type Link, openLink } from './link';
import { peekErrorCode, peekObject } from './peek';
import { type PendingRequest, RequestTracker } from './pending';
import { applyEvent, applyResult, cloneState, diffState, emptyState } from './state-mirror';
import { defaultTimers, type Timers } from './timers';
import type { TransportFactory, WebSocketCtor } from './transport';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_IN_FLIGHT = 64;
/** Device -> client messages larger than this are refused (Node: the parser closes with 1009). PROTOCOL §2: devices never send more. */
export const DEFAULT_MAX_PAYLOAD = MAX_FRAME_BYTES;
/** Consecutive bad messages tolerated before the client drops the connection (and reconnects). */
export const DEFAULT_MAX_PROTOCOL_ERRORS = 10;
/** How long close() waits for the closing handshake before dropping the socket. */
export const CLOSE_GRACE_MS = 1000;

export type ParamsOf<O extends Op> = Omit<Extract<Request, { op: O }>, 'id' | 'op'>;
export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}
type RequestArgs<O extends Op> = keyof ParamsOf<O> extends never
  ? [params?: ParamsOf<O>, opts?: RequestOptions]
  : Partial<ParamsOf<O>> extends ParamsOf<O>
    ? [params?: ParamsOf<O>, opts?: RequestOptions]
    : [params: ParamsOf<O>, opts?: RequestOptions];

export interface ClientOptions {
  /** Whole handshake budget: TCP, upgrade, auth and hello (default 5000 ms). */
  timeoutMs?: number;
  /** Sent in the `auth` op when the device answers `auth_required`. */
  token?: string;
  /** Node only: Origin header for the upgrade request. */
  origin?: string;
  /** Node only: extra upgrade headers. */
  headers?: Record<string, string>;
  /** Offer exactly this subprotocol (default: offer none, see the arduinoWebSockets echo quirk). */
  subprotocol?: string;
  /** Alias of `subprotocol`. */
  offerSubprotocol?: string;
  /** Default per-request timeout (default 5000 ms). */
  requestTimeoutMs?: number;
  /** Requests awaiting an answer at once; one more fails with 'busy' (default 64). */
  maxInFlight?: number;
  /** Backoff settings, or false for no reconnect (default on, see DEFAULT_BACKOFF). */
  reconnect?: BackoffOptions | false;
  /** Dead-link detection, or false (default { intervalMs: 5000, timeoutMs: 3000 }). */
  heartbeat?: HeartbeatOptions | false;
  /** Hold requests made while reconnecting, up to `max` (default: off, fail fast with 'not_connected'). */
  queueWhileDisconnected?: { max: number } | false;
  /** Largest device message accepted (default MAX_FRAME_BYTES = 15360). */
  maxPayload?: number;
  /** After a sequence gap, re-read the state with `state.get` so the mirror is exact again (default true; PROTOCOL §7). */
  resyncOnGap?: boolean;
  /** Consecutive malformed messages tolerated before dropping the connection (default 10). */
  maxProtocolErrors?: number;
  /** WebSocket constructor override (browser build: any WHATWG-compatible class; Node build: a ws-compatible class). */
  WebSocket?: WebSocketCtor | unknown;
  /** Time source (default: global timers, Date.now). */
  timers?: Timers;
  /** Random source for backoff jitter, [0, 1) (default Math.random). */
  random?: () => number;
  /**
   * Called with whatever an event listener (`on`/`onAny`) threw and the event's kind. Default: log it with
   * console.error and carry on (a throwing listener never takes the connection down or stops delivery to the
   * others). Test harnesses pass one that fails the running test instead of swallowing the error.
   */
  onListenerError?: (error: unknown, event: string) => void;
  /**
   * Retry a failed first connect with the reconnect backoff (DEFAULT_BACKOFF when `reconnect` is false) until it
   * succeeds, `maxAttempts` is reached or the failure is permanent (default false: the first failure rejects).
   */
  retryFirstConnect?: boolean;
}

/** Wiring supplied by the entry point (Node or browser) or by a fleet; not part of the public options. */
export interface ClientDeps {
  transport: TransportFactory;
  heartbeat?: HeartbeatScheduler;
  gate?: ConnectGate;
}

export type ClientStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

interface QueuedRequest {
  entry: PendingRequest;
}

export class DeviceClient implements HeartbeatMember {
  readonly url: string;
  readonly #opts: ClientOptions;
  readonly #deps: ClientDeps;
  readonly #timers: Timers;
  readonly #random: () => number;
  readonly #backoff: Required<BackoffOptions> | false;
  readonly #hb: Required<HeartbeatOptions> | false;
  readonly #hbScheduler: HeartbeatScheduler | null;
  readonly #tracker: RequestTracker;
  readonly #hub: EventHub<ClientEvent>;
  readonly #streams = new Set<EventStream<ClientEvent>>();
  readonly #queue: QueuedRequest[] = [];
  readonly #subscriptions = new Map<string, number>();

  #status: ClientStatus = 'idle';
  #link: Link | null = null;
  #hello: HelloMessage | null = null;
  #state: DeviceStateSnapshot = emptyState();
  #lastSeq = 0;
  #lostEvents = 0;
  #badInARow = 0;
  #lastInbound = 0;
  #probeSentAt: number | null = null;
  #reconnectTimer: unknown = null;
  #attempt = 0;
  /** Backoff exponent: grows with every retry and drop, back to 0 only after a connection stayed up stableAfterMs. */
  #backoffStep = 0;
  #openedAt = 0;
  #disconnectedAt = 0;
  #closeWaiters: (() => void)[] = [];
  #wake: (() => void) | null = null;
  #closeCodeOverride: number | null = null;
  #gapResync = false;

  constructor(url: string, opts: ClientOptions, deps: ClientDeps) {
    this.url = url;
    this.#opts = opts;
    this.#deps = deps;
    this.#timers = opts.timers ?? defaultTimers;
    this.#random = opts.random ?? Math.random;
    this.#backoff = opts.reconnect === false ? false : { ...DEFAULT_BACKOFF, ...opts.reconnect };
    this.#hb = opts.heartbeat === false ? false : { ...DEFAULT_HEARTBEAT, ...opts.heartbeat };
    this.#hbScheduler = this.#hb
      ? (deps.heartbeat ?? new HeartbeatScheduler(this.#timers, heartbeatTickMs(this.#hb)))
      : null;
    this.#tracker = new RequestTracker(this.#timers, (op, result) => this.#afterResult(op, result));
    // A throwing listener must not take the connection down; it is reported, not rethrown.
    this.#hub = new EventHub<ClientEvent>(opts.onListenerError ?? reportListenerError);
  }

  /** Connection status. */
  get status(): ClientStatus {
    return this.#status;
  }
  /** The latest hello (replaced on every reconnect). */
  get hello(): HelloMessage {
    if (!this.#hello) throw new DeviceClientError('not_connected', 'no hello yet');
    return this.#hello;
  }
  get caps(): Capabilities {
    return this.hello.caps;
  }
  /** Live mirror of the device state, kept current by events and responses. Treat as read-only. */
  get state(): Readonly<DeviceStateSnapshot> {
    return this.#state;
  }
  /** Sensor subscriptions the client restores after a reconnect (sensor -> hz). */
  get subscriptions(): ReadonlyMap<string, number> {
    return this.#subscriptions;
  }
  /** Requests sent and awaiting an answer. */
  get inFlight(): number {
    return this.#tracker.inFlight;
  }

  /**
   * First connection. With `retry` (fleets) a failed first attempt falls into the reconnect loop instead of
   * rejecting; without it the error is thrown and the client is closed.
   */
  async start(retry = false): Promise<DeviceClientError | null> {
    if (this.#status !== 'idle') throw new DeviceClientError('protocol', 'start() called twice');
    this.#status = 'connecting';
    this.#disconnectedAt = this.#timers.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#firstConnect();
        return null;
      } catch (err) {
        if (retry && this.#backoff && this.#status === 'connecting' && !isPermanent(err)) {
          this.#status = 'reconnecting';
          this.#attempt = 1;
          this.#scheduleReconnect(err as DeviceClientError);
          return err as DeviceClientError;
        }
        const policy = this.#backoff || DEFAULT_BACKOFF;
        const again =
          !retry &&
          this.#opts.retryFirstConnect === true &&
          this.#status === 'connecting' &&
          !isPermanent(err) &&
          attempt < policy.maxAttempts;
        if (again) {
          await this.#sleep(backoffDelay(this.#backoffStep++, policy, this.#random));
          if (this.#status === 'connecting') continue;
        }
        if (!this.#isClosed()) this.#shutdown(err as DeviceClientError);
        throw err;
      }
    }
  }

  async #firstConnect(): Promise<void> {
    const link = await this.#handshake();
    if (this.#isClosed()) {
      link.transport.close(1000, 'client closed');
      throw new DeviceClientError('aborted', 'client closed while connecting');
    }
    await this.#established(link, false);
  }

  /** A wait that close() cuts short (it clears #reconnectTimer and calls #wake). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#reconnectTimer = this.#timers.setTimeout(() => {
        this.#reconnectTimer = null;
        this.#wake = null;
        resolve();
      }, ms);
    });
  }

  on<K extends ClientEventKind>(kind: K, cb: (e: ClientEventOf<K>) => void): () => void {
    return this.#hub.on(kind, cb);
  }

  /** Every event, any kind. */
  onAll(cb: (e: ClientEvent) => void): () => void {
    return this.#hub.onAny(cb);
  }

  /** Async iteration over events (optionally of some kinds); bounded, drops the oldest on overflow. */
  events<K extends ClientEventKind = ClientEventKind>(
    opts: EventStreamOptions & { kinds?: readonly K[] } = {},
  ): EventStream<ClientEventOf<K>> {
    const kinds = opts.kinds ? new Set<ClientEventKind>(opts.kinds) : null;
    let off = () => {};
    const stream = new EventStream<ClientEvent>(opts, () => {
      off();
      this.#streams.delete(stream);
    });
    off = this.#hub.onAny((e) => {
      if (!kinds || kinds.has(e.kind)) stream.push(e);
    });
    this.#streams.add(stream);
    if (this.#status === 'closed') stream.end();
    return stream as unknown as EventStream<ClientEventOf<K>>;
  }

  request<O extends Op>(op: O, ...args: RequestArgs<O>): Promise<ResultByOp[O]> {
    const [params, ro = {}] = args as [ParamsOf<O> | undefined, RequestOptions | undefined];
    if (ro?.signal?.aborted)
      return Promise.reject(new DeviceClientError('aborted', `${op} aborted before sending`, { op }));
    const queueMax = this.#opts.queueWhileDisconnected ? this.#opts.queueWhileDisconnected.max : 0;
    if (this.#status !== 'open') {
      const canQueue = (this.#status === 'reconnecting' || this.#status === 'connecting') && queueMax > 0;
      if (!canQueue) {
        return Promise.reject(
          new DeviceClientError('not_connected', `${op}: not connected (status ${this.#status})`, {
            op,
            hint:
              this.#status === 'reconnecting'
                ? 'wait for the reconnected event, or set queueWhileDisconnected'
                : undefined,
          }),
        );
      }
      if (this.#queue.length >= queueMax) {
        return Promise.reject(
          new DeviceClientError('busy', `${op}: disconnected and ${queueMax} requests already queued`, {
            op,
          }),
        );
      }
    } else if (this.#tracker.inFlight >= (this.#opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)) {
      return Promise.reject(
        new DeviceClientError(
          'busy',
          `${op}: ${this.#tracker.inFlight} requests already awaiting an answer`,
          {
            op,
            hint: 'raise maxInFlight or await earlier requests',
          },
        ),
      );
    }
    const { entry, promise } = this.#tracker.create<ResultByOp[O]>(
      op,
      (id) => encodeMessage({ id, op, ...(params ?? {}) } as Request),
      ro.timeoutMs ?? this.#opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      ro.signal,
    );
    if (this.#status === 'open') this.#send(entry);
    else this.#queue.push({ entry });
    return promise;
  }

  // --- op helpers -------------------------------------------------------------------------------------------
  ledSet(led: string, on: boolean, ro?: RequestOptions) {
    return this.request('led.set', { led, on }, ro);
  }
  ledToggle(led: string, ro?: RequestOptions) {
    return this.request('led.toggle', { led }, ro);
  }
  pwmSet(ch: string, value: { duty: number } | { raw: number }, ro?: RequestOptions) {
    return this.request('pwm.set', { ch, ...value }, ro);
  }
  pwmConfig(ch: string, freq: number, bits: number, ro?: RequestOptions) {
    return this.request('pwm.config', { ch, freq, bits }, ro);
  }
  subscribeSensor(sensor: string, hz: number, ro?: RequestOptions) {
    return this.request('sensor.subscribe', { sensor, hz }, ro);
  }
  unsubscribeSensor(sensor: string, ro?: RequestOptions) {
    return this.request('sensor.unsubscribe', { sensor }, ro);
  }
  info(ro?: RequestOptions): Promise<DeviceInfo> {
    return this.request('info', {}, ro);
  }
  getState(ro?: RequestOptions): Promise<DeviceStateSnapshot> {
    return this.request('state.get', {}, ro);
  }
  ping(ro?: RequestOptions) {
    return this.request('ping', { ts: this.#timers.now() }, ro);
  }
  reboot(ro?: RequestOptions) {
    return this.request('reboot', {}, ro);
  }
  setLogLevel(level: LogLevel, ro?: RequestOptions) {
    return this.request('log.level', { level }, ro);
  }

  /** Stops for good: no reconnect, pending requests fail with 'disconnected', iterators end. */
  close(): Promise<void> {
    if (this.#status === 'closed' && !this.#link) return Promise.resolve();
    const link = this.#link;
    this.#shutdown(null);
    if (!link) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#closeWaiters.push(resolve);
      const grace = this.#timers.setTimeout(() => link.transport.terminate(), CLOSE_GRACE_MS);
      this.#closeWaiters.push(() => this.#timers.clearTimeout(grace));
      link.transport.close(1000, 'client closed');
    });
  }

  /** @internal shared heartbeat tick */
  heartbeatTick(now: number): void {
    const hb = this.#hb;
    const link = this.#link;
    if (!hb || !link || this.#status !== 'open') return;
    if (this.#probeSentAt !== null) {
      if (now - this.#probeSentAt >= hb.timeoutMs) {
        this.#probeSentAt = null;
        this.#dropLink(link, 1006, `heartbeat: no answer within ${hb.timeoutMs} ms`);
      }
      return;
    }
    if (now - this.#lastInbound >= hb.intervalMs) {
      this.#probeSentAt = now;
      if (link.transport.ping) {
        link.transport.ping();
      } else {
        // Browsers cannot send ping frames: probe with the app-level op; its answer counts as inbound traffic.
        this.request('ping', {}, { timeoutMs: hb.timeoutMs * 2 }).catch(() => {});
      }
    }
  }

  // --- internals --------------------------------------------------------------------------------------------

  // A method call defeats TS's narrowing of #status across awaits, where close() may have run.
  #isClosed(): boolean {
    return this.#status === 'closed';
  }

  async #handshake(): Promise<Link> {
    const release = this.#deps.gate ? await this.#deps.gate.acquire() : null;
    try {
      const proto = this.#opts.subprotocol ?? this.#opts.offerSubprotocol;
      return await openLink({
        url: this.url,
        transport: this.#deps.transport,
        transportOptions: {
          protocols: proto ? [proto] : [],
          maxPayload: this.#opts.maxPayload ?? DEFAULT_MAX_PAYLOAD,
          ...(this.#opts.origin !== undefined ? { origin: this.#opts.origin } : {}),
          ...(this.#opts.headers ? { headers: this.#opts.headers } : {}),
        },
        timers: this.#timers,
        timeoutMs: this.#opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        token: this.#opts.token,
        onHandshakeJunk: (code, message, raw) =>
          this.#emit({ kind: 'protocol-error', code, message, excerpt: raw }),
      });
    } finally {
      release?.();
    }
  }

  async #established(link: Link, isReconnect: boolean): Promise<void> {
    const hello = link.hello;
    const previous = this.#hello;
    const before = this.#state;
    this.#link = link;
    this.#hello = hello;
    this.#state = cloneState(hello.state);
    this.#lastSeq = hello.seq;
    this.#badInARow = 0;
    this.#lastInbound = this.#timers.now();
    this.#probeSentAt = null;
    this.#openedAt = this.#timers.now();
    this.#status = 'open';
    const rebooted = isReconnect && previous !== null && previous.boot !== hello.boot;
    // Announce the reboot before any event of the new boot is delivered.
    if (rebooted && previous) this.#emit({ kind: 'reboot', previousBoot: previous.boot, boot: hello.boot });
    link.attach({
      message: (text, binary) => this.#onMessage(link, text, binary),
      close: (code, reason) => this.#onLinkClosed(link, code, reason),
      error: (err) => this.#onLinkError(link, err),
      activity: () => this.#touch(),
    });
    if (this.#status !== 'open' || this.#link !== link) return;
    this.#hbScheduler?.add(this);
    if (!isReconnect) {
      this.#flushQueue();
      return;
    }
    const restored: string[] = [];
    const restoreFailed: { sensor: string; code: string }[] = [];
    const subs = [...this.#subscriptions];
    const results = await Promise.allSettled(subs.map(([sensor, hz]) => this.subscribeSensor(sensor, hz)));
    results.forEach((r, i) => {
      const sensor = subs[i]![0];
      if (r.status === 'fulfilled') restored.push(sensor);
      else {
        const code = r.reason instanceof DeviceClientError ? r.reason.code : 'internal';
        restoreFailed.push({ sensor, code });
        // A sensor the device no longer has is forgotten; transient failures are retried on the next reconnect.
        if (code === 'unknown_target' || code === 'bad_param') this.#subscriptions.delete(sensor);
      }
    });
    if (this.#link !== link) return;
    const missed: MissedSummary = {
      downtimeMs: this.#timers.now() - this.#disconnectedAt,
      attempts: this.#attempt,
      changes: diffState(before, hello.state),
      lostEvents: this.#lostEvents,
    };
    this.#lostEvents = 0;
    this.#attempt = 0;
    this.#flushQueue();
    this.#emit({ kind: 'reconnected', missed, rebooted, restored, restoreFailed });
  }

  #flushQueue(): void {
    const queued = this.#queue.splice(0);
    for (const q of queued) {
      if (!this.#tracker.has(q.entry.id)) continue; // timed out or aborted while queued
      if (this.#tracker.inFlight >= (this.#opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT)) {
        this.#tracker.fail(
          q.entry,
          new DeviceClientError('busy', `${q.entry.op}: too many requests in flight after reconnect`),
        );
        continue;
      }
      this.#send(q.entry);
    }
  }

  #send(entry: PendingRequest): void {
    const link = this.#link;
    if (!link) {
      this.#tracker.fail(
        entry,
        new DeviceClientError('not_connected', `${entry.op}: not connected`, { op: entry.op }),
      );
      return;
    }
    try {
      link.transport.send(entry.frame);
      this.#tracker.markSent(entry);
    } catch (err) {
      this.#tracker.fail(
        entry,
        new DeviceClientError('disconnected', `${entry.op}: send failed: ${(err as Error).message}`, {
          op: entry.op,
          cause: err,
        }),
      );
    }
  }

  #afterResult(op: Op, result: unknown): void {
    // Thrown here, the request fails with 'protocol' before the mirror or the caller sees the result.
    const outside = this.#hello && resultOutsideCaps(this.#hello.caps, op, result);
    if (outside) throw new Error(outside);
    applyResult(this.#state, op, result as ResultByOp[Op]);
    if (op === 'sensor.subscribe') {
      const r = result as ResultByOp['sensor.subscribe'];
      this.#subscriptions.set(r.sensor, r.hz);
    } else if (op === 'sensor.unsubscribe') {
      this.#subscriptions.delete((result as ResultByOp['sensor.unsubscribe']).sensor);
    }
  }

  #touch(): void {
    this.#lastInbound = this.#timers.now();
    this.#probeSentAt = null;
  }

  #onMessage(link: Link, text: string, binary: boolean): void {
    if (this.#link !== link) return;
    this.#touch();
    if (binary) {
      this.#protocolError(link, 'bad_json', 'binary frame (the protocol uses text frames)', text);
      return;
    }
    const maxPayload = this.#opts.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    const r = decodeDeviceMessage(text, { maxBytes: maxPayload });
    if (!r.ok) {
      this.#protocolError(link, r.error.code, r.error.message, text);
      if (r.error.id !== null) this.#failUndecodedAnswer(r.error.id, r.error.message, text);
      return;
    }
    const msg = r.value;
    switch (msg.t) {
      case 'res': {
        const outcome = this.#tracker.settle(msg);
        if (outcome === 'invalid') {
          this.#emit({
            kind: 'protocol-error',
            code: 'bad_result',
            message: `result for id ${msg.id} refused`,
            excerpt: excerpt(text),
          });
        } else if (outcome === 'unknown') {
          const what = msg.ok
            ? `response to unknown id ${msg.id}`
            : `device error ${msg.error.code}: ${msg.error.msg}`;
          // Not counted toward the drop threshold: the message itself was well formed.
          this.#emit({
            kind: 'protocol-error',
            code: msg.ok ? 'unknown_id' : msg.error.code,
            message: what,
            excerpt: excerpt(text),
          });
        }
        this.#badInARow = 0;
        return;
      }
      case 'evt':
        this.#badInARow = 0;
        this.#onEvent(msg);
        return;
      case 'hello':
        // A second hello on one connection means the device restarted its session: resync from it.
        this.#badInARow = 0;
        this.#state = cloneState(msg.state);
        this.#lastSeq = msg.seq;
        if (this.#hello && this.#hello.boot !== msg.boot) {
          this.#emit({ kind: 'reboot', previousBoot: this.#hello.boot, boot: msg.boot });
        }
        this.#hello = msg;
        return;
      default:
        this.#protocolError(link, 'unexpected', `unexpected ${msg.t} after hello`, text);
    }
  }

  /**
   * An answer with a readable id that the codec refused (an error code this client does not know, a broken
   * error body) fails its request at once instead of leaving it to time out; the device's raw code is kept.
   */
  #failUndecodedAnswer(id: number, message: string, text: string): void {
    const raw = peekObject(text);
    const deviceCode = raw && raw.ok === false ? peekErrorCode(raw) : undefined;
    this.#tracker.rejectId(
      id,
      (op) =>
        new DeviceClientError(
          'protocol',
          deviceCode !== undefined ? `${op}: device error ${deviceCode}: ${message}` : `${op}: ${message}`,
          { op, id, deviceCode },
        ),
    );
  }

  #onEvent(e: Event): void {
    const outside = this.#hello && eventOutsideCaps(this.#hello.caps, e);
    if (outside) {
      // Not applied and not delivered; the seq still counts so no false gap follows.
      this.#lastSeq = e.seq;
      this.#emit({ kind: 'protocol-error', code: 'unknown_target', message: outside, excerpt: '' });
      return;
    }
    const expected = this.#lastSeq + 1;
    const gap = e.seq !== expected;
    if (gap) {
      if (e.seq > expected) this.#lostEvents += e.seq - expected;
      this.#emit({ kind: 'gap', expected, got: e.seq });
    }
    this.#lastSeq = e.seq;
    applyEvent(this.#state, e);
    if (this.#hub.wants(e.ev)) this.#emit({ ...e, kind: e.ev } as ClientEvent);
    if (gap && this.#opts.resyncOnGap !== false) this.#resyncAfterGap();
  }

  /** One `state.get` at a time however many gaps arrive; its result replaces the mirror (applyResult). */
  #resyncAfterGap(): void {
    if (this.#gapResync || this.#status !== 'open') return;
    this.#gapResync = true;
    this.getState()
      .catch(() => {
        // The link is going down or the device is busy: the next gap or reconnect resyncs.
      })
      .finally(() => {
        this.#gapResync = false;
      });
  }

  #protocolError(link: Link, code: string, message: string, raw: string): void {
    this.#emit({ kind: 'protocol-error', code, message, excerpt: excerpt(raw) });
    this.#badInARow++;
    const max = this.#opts.maxProtocolErrors ?? DEFAULT_MAX_PROTOCOL_ERRORS;
    if (this.#badInARow > max) {
      this.#badInARow = 0;
      link.transport.close(1002, 'too many malformed messages');
    }
  }

  #onLinkError(link: Link, err: DeviceClientError): void {
    if (this.#link !== link) return;
    // ws stops reading after an oversize frame, so its close event says 1006; report the 1009 it sent instead.
    if (err.code === 'too_large') this.#closeCodeOverride = 1009;
    this.#emit({ kind: 'protocol-error', code: err.code, message: err.message, excerpt: '' });
  }

  #dropLink(link: Link, code: number, reason: string): void {
    // Handle the loss first (Node reports the close of a terminated socket only later, browsers at once).
    this.#onLinkClosed(link, code, reason);
    link.transport.terminate();
  }

  #onLinkClosed(link: Link, code: number, reason: string): void {
    if (this.#link !== link) {
      return;
    }
    this.#link = null;
    if (this.#closeCodeOverride !== null) {
      code = this.#closeCodeOverride;
      reason ||= 'message too large';
      this.#closeCodeOverride = null;
    }
    this.#hbScheduler?.delete(this);
    const waiters = this.#closeWaiters.splice(0);
    for (const w of waiters) w();
    if (this.#status === 'closed') return;
    this.#tracker.rejectAll(
      (e) =>
        new DeviceClientError(
          'disconnected',
          `${e.op}: connection lost (${code}${reason ? ` ${reason}` : ''})`,
          { op: e.op, id: e.id },
        ),
      (e) => e.sent,
    );
    this.#disconnectedAt = this.#timers.now();
    this.#emit({ kind: 'disconnected', code, reason });
    if (!this.#backoff) {
      this.#shutdown(new DeviceClientError('disconnected', `connection lost (${code})`));
      return;
    }
    this.#status = 'reconnecting';
    this.#attempt = 0;
    if (this.#timers.now() - this.#openedAt >= this.#backoff.stableAfterMs) this.#backoffStep = 0;
    this.#scheduleReconnect(null);
  }

  #scheduleReconnect(lastError: DeviceClientError | null): void {
    const b = this.#backoff;
    if (!b) return;
    const delay = backoffDelay(this.#backoffStep++, b, this.#random);
    this.#emit({
      kind: 'reconnecting',
      attempt: this.#attempt + 1,
      delayMs: delay,
      error: lastError && { code: lastError.code, message: lastError.message },
    });
    this.#reconnectTimer = this.#timers.setTimeout(() => {
      this.#reconnectTimer = null;
      void this.#reconnectAttempt();
    }, delay);
  }

  async #reconnectAttempt(): Promise<void> {
    if (this.#status !== 'reconnecting') return;
    this.#attempt++;
    let link: Link;
    try {
      link = await this.#handshake();
    } catch (err) {
      if (this.#status !== 'reconnecting') return;
      const b = this.#backoff;
      if (isPermanent(err) || !b || this.#attempt >= b.maxAttempts) {
        this.#shutdown(err as DeviceClientError);
        return;
      }
      this.#scheduleReconnect(err as DeviceClientError);
      return;
    }
    if (this.#status !== 'reconnecting') {
      link.transport.close(1000, 'client closed');
      return;
    }
    await this.#established(link, true);
  }

  #shutdown(err: DeviceClientError | null): void {
    if (this.#status === 'closed') return;
    this.#status = 'closed';
    if (this.#reconnectTimer !== null) {
      this.#timers.clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = null;
    }
    this.#wake?.();
    this.#wake = null;
    this.#hbScheduler?.delete(this);
    const msg = err ? err.message : 'closed by the application';
    this.#queue.length = 0;
    this.#tracker.rejectAll(
      (e) =>
        new DeviceClientError(err ? err.code : 'disconnected', `${e.op}: ${msg}`, { op: e.op, id: e.id }),
    );
    this.#emit({ kind: 'closed', code: err ? err.code : null, message: msg });
    for (const s of [...this.#streams]) s.end();
  }

  #emit(e: ClientEvent): void {
    this.#hub.emit(e);
  }
}

function isPermanent(err: unknown): boolean {
  // Retrying cannot fix a refused token, a subprotocol or a protocol version the firmware will never accept.
  return (
    err instanceof DeviceClientError &&
    (err.code === 'unauthorized' || err.hint === SUBPROTOCOL_HINT || err.hint === PROTOCOL_VERSION_HINT)
  );
}

export async function connectWith(url: string, opts: ClientOptions, deps: ClientDeps): Promise<DeviceClient> {
  const client = new DeviceClient(url, opts, deps);
  await client.start(false);
  return client;
}
