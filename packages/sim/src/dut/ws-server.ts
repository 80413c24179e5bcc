/**
 * The esphil firmware's connection behaviour on top of the arduinoWebSockets transport
 * (./transport/arduino-ws-transport.ts): hello or auth_required first, the token gate and its slowdown
 * (PROTOCOL.md 8.1, ./auth-throttle.ts), the Origin allow-list as the firmware's header validator (8.2),
 * per-connection event numbering (7), per-client sensor rates, a bounded number of unanswered frames per connection
 * (3, rule 5), and the sim's link faults and latency.
 *
 * Device logic lives behind `WsServerHandler`; this file only moves frames and never throws on client input.
 */
import { timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  AuthThrottle,
  type ConnectionMode,
  initialConnectionMode,
  legacyBroadcastText,
  legacyFrameKind,
} from '@esphil/device-model';
import {
  type AuthRequiredMessage,
  CloseCode,
  DEFAULT_WS_PATH,
  decodeRequest,
  type ErrorCode,
  type ErrorResponse,
  type HelloMessage,
  MAX_SENSOR_HZ,
  MIN_SENSOR_HZ,
  PROTOCOL_VERSION,
  targetPath,
  type UnsequencedEvent,
} from '@esphil/protocol';
import type { Rng } from '../rng';
import { corruptFrame, roll } from './board/link-faults';
import {
  ArduinoWsTransport,
  type ArduinoWsTransportOptions,
  type OutputStats,
  type RefusalReason,
  type WsConnection,
} from './transport/arduino-ws-transport';

export {
  DEFAULT_HEARTBEAT,
  DEFAULT_MAX_BUFFERED_BYTES,
  type HeartbeatOptions,
  LIBRARY_400,
  type OutputStats,
  TCP_TIMEOUT_MS,
} from './transport/arduino-ws-transport';

export const DEFAULT_AUTH_DEADLINE_MS = 5_000;
/**
 * Frames of one connection handed to the device and not yet answered. At the limit the server stops reading
 * that socket (TCP backpressure, as the library reads one frame per client per loop pass and leaves the rest in
 * the TCP receive window: shared/reference/arduinowebsockets-facts.md §5.1, S.cpp:700-710) until half of them are
 * answered. Frames already read past the limit are answered `busy` in order (PROTOCOL.md 3, rule 5).
 */
export const DEFAULT_MAX_QUEUED_FRAMES = 16;
/** How long a software reboot waits for clients to acknowledge its close frames. */
export const GOODBYE_MAX_WAIT_MS = 1_000;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** How the server asks the device for content. Calls for one device must be serialised by the handler. */
export interface WsServerHandler {
  /** false while the DUT is off, booting, in download mode or without WiFi: upgrades are dropped. */
  accepting(): boolean;
  /** Contents of hello (seq is added per connection). */
  hello(slot: number): Promise<Omit<HelloMessage, 'seq'>>;
  /** A text frame from an authorised client. Replies go back through `WsServer.reply`. */
  frame(slot: number, text: string): Promise<void>;
  /**
   * Runs `fn` in `slot`'s turn of the device loop, after what that connection already queued (so an answer it
   * sends keeps the connection's order). Default: at once.
   */
  inTurn?(slot: number, fn: () => void): Promise<void>;
  /** A subscribed sensor is due for `slot`. Send it with `WsServer.sendEvent`. */
  sensorTick(slot: number, sensor: string): void;
  disconnected(slot: number): void;
}

export interface WsLinkFaults {
  /** Probability that a response is lost. */
  ackDropRate: number;
  /** Extra delay for responses, ms. */
  ackDelayMs: number;
  /** Probability that an event is lost (its seq number is still used). */
  eventDropRate: number;
  /** Probability that an outgoing frame (not hello) is mangled. */
  corruptFrameRate: number;
}

export const NO_LINK_FAULTS: WsLinkFaults = {
  ackDropRate: 0,
  ackDelayMs: 0,
  eventDropRate: 0,
  corruptFrameRate: 0,
};

/** The transport's own options (host, port, slots, frame limit, heartbeat, send bound) pass straight through. */
export interface WsServerOptions
  extends Pick<
    ArduinoWsTransportOptions,
    'host' | 'port' | 'protocol' | 'maxClients' | 'maxPayload' | 'heartbeat' | 'maxBufferedBytes'
  > {
  handler: WsServerHandler;
  authToken?: string;
  authDeadlineMs?: number;
  /** Empty or absent = any Origin. Requests without an Origin header are always allowed. */
  allowedOrigins?: string[];
  /** One-way link delay per unsolicited frame (hello, events), ms. Default none. */
  delay?: () => number;
  /**
   * Delay per response, ms: the request's way in and the answer's way out in one sample, since incoming
   * frames are not delayed. Default `delay`.
   */
  replyDelay?: () => number;
  faults?: WsLinkFaults;
  rng?: Rng;
  /** Unanswered frames per connection before reading stops (see DEFAULT_MAX_QUEUED_FRAMES). */
  maxQueuedFrames?: number;
  /**
   * The device's legacy text support, read at each connect (PROTOCOL.md 9): `legacyText` as in caps (false without
   * an LED) and the first LED's name. Absent: every connection is an esphil connection.
   */
  legacy?: () => LegacySupport;
  /** websocket.path, read at each connect: another path is closed with 1000 (PROTOCOL.md 2.3, 2.5). Default `/`. */
  path?: () => string;
  /**
   * websocket.maxClients, read at each connect: a client in a slot at or past it passed the library's handshake and
   * gets `busy` (id null), then close 1000 (PROTOCOL.md 2.3); `maxClients` above sizes the library's slot table
   * (WEBSOCKETS_SERVER_CLIENT_MAX). Default: no limit below the slot table.
   */
  deviceMaxClients?: () => number;
}

/** What legacy mode needs to know about the device (see WsServerOptions.legacy). */
export interface LegacySupport {
  legacyText: boolean;
  firstLed?: string;
}

interface Client {
  slot: number;
  conn: WsConnection;
  /** Last event seq used on this connection. */
  seq: number;
  authorized: boolean;
  /** hello sent: events may flow. */
  ready: boolean;
  authTimer: ReturnType<typeof setTimeout> | null;
  /** A wrong token's refusal is held (auth-throttle.ts): the connection is closing and reads nothing more. */
  refuseTimer: ReturnType<typeof setTimeout> | null;
  sensors: Map<string, ReturnType<typeof setInterval>>;
  /** Frames handed to the device and not answered yet. */
  inflight: number;
  /** Reading stopped because `inflight` reached the limit. */
  paused: boolean;
  /** PROTOCOL.md 9: `legacy` until its first JSON object (connection-mode.ts). */
  mode: ConnectionMode;
  /** Frames that arrived while the hello of a switch was on its way: handled, in order, once it is sent. */
  held: (() => void)[] | null;
}

export interface WsServerEvents {
  connected: [slot: number, remote: string];
  disconnected: [slot: number, reason: string];
  refused: [reason: RefusalReason, remote: string];
  /** A wrong token: its refusal leaves after `holdMs` (0 = at once). */
  'auth-failed': [slot: number, address: string, holdMs: number];
}

/** Constant-time for equal lengths, so response timing does not reveal how much of a token matched. */
function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function errorFrame(id: number | null, code: ErrorCode, msg: string): string {
  const res: ErrorResponse = { t: 'res', id, ok: false, error: { code, msg } };
  return JSON.stringify(res);
}

const UNAUTHORIZED_FIRST = 'send {"op":"auth","token":...} first';

export class WsServer extends EventEmitter<WsServerEvents> {
  readonly maxQueuedFrames: number;
  private readonly opts: WsServerOptions;
  private readonly transport: ArduinoWsTransport;
  private readonly clients = new Map<number, Client>();
  /** Failed auth attempts per remote address; RAM only, so a reset forgets them (as on the board). */
  private throttle = new AuthThrottle();
  /** Frames legacy-mode connections sent that are neither `LED ON`/`LED OFF` nor a JSON object (never answered). */
  ignoredLegacyFrames = 0;

  constructor(opts: WsServerOptions) {
    super();
    this.opts = opts;
    this.maxQueuedFrames = Math.max(1, opts.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES);
    this.transport = new ArduinoWsTransport({
      host: opts.host,
      port: opts.port,
      protocol: opts.protocol,
      maxClients: opts.maxClients,
      maxPayload: opts.maxPayload,
      heartbeat: opts.heartbeat,
      maxBufferedBytes: opts.maxBufferedBytes,
      accepting: () => opts.handler.accepting(),
      validateHeader: (name, value) => this.validateHeader(name, value),
    });
    this.transport.on('refused', (reason, remote) => this.emit('refused', reason, remote));
    this.transport.on('connection', (conn) => this.onConnection(conn));
  }

  get protocol(): string {
    return this.transport.protocol;
  }
  get maxClients(): number {
    return this.transport.maxClients;
  }
  /** Sizes the slot table only (apps/bench raises it past the config's 16 for its 100-client push). */
  set maxClients(n: number) {
    this.transport.maxClients = n;
  }
  get maxPayload(): number {
    return this.transport.maxPayload;
  }
  get maxBufferedBytes(): number {
    return this.transport.maxBufferedBytes;
  }
  listen(): Promise<void> {
    return this.transport.listen();
  }
  get port(): number {
    return this.transport.port;
  }
  get host(): string {
    return this.transport.host;
  }
  /** The server URL with websocket.path (as the ready line announces it; clients add `?esphil`). */
  get url(): string {
    return `${this.transport.url.slice(0, -1)}${this.servedPath()}`;
  }
  get clientCount(): number {
    return this.clients.size;
  }
  slots(): number[] {
    return [...this.clients.keys()].sort((a, b) => a - b);
  }

  /** The firmware's Origin check, as its onValidateHttpHeader callback (PROTOCOL.md 8.2). */
  private validateHeader(name: string, value: string): boolean {
    if (name.toLowerCase() !== 'origin') return true;
    const allowed = this.opts.allowedOrigins ?? [];
    return allowed.length === 0 || allowed.includes(value);
  }

  private onConnection(conn: WsConnection): void {
    const client: Client = {
      slot: conn.slot,
      conn,
      seq: 0,
      authorized: this.opts.authToken === undefined,
      ready: false,
      authTimer: null,
      refuseTimer: null,
      sensors: new Map(),
      inflight: 0,
      paused: false,
      mode: initialConnectionMode(conn.target, this.legacySupport()),
      held: null,
    };
    this.clients.set(conn.slot, client);
    conn.on('disconnected', (reason) => this.cleanup(client, reason));
    conn.on('text', (data) => this.onText(client, data));
    conn.on('binary', () => this.onBinary(client));
    // PROTOCOL.md 2.4: the firmware ignores every fragment.
    this.emit('connected', conn.slot, conn.remote);
    // The library accepts any path: the firmware closes all but websocket.path at once (Device::onConnect).
    if (targetPath(conn.target) !== this.servedPath()) conn.disconnect(CloseCode.normal);
    else if (conn.slot >= (this.opts.deviceMaxClients?.() ?? Number.POSITIVE_INFINITY)) this.full(client);
    else if (client.mode === 'legacy') this.startLegacy(client);
    else this.greet(client);
  }

  /** Device::onConnect past websocket.maxClients: why, then the close; a legacy-mode connection just the close (9). */
  private full(client: Client): void {
    const limit = this.opts.deviceMaxClients?.() ?? 0;
    if (client.mode !== 'legacy')
      client.conn.send(errorFrame(null, 'busy', `device full: websocket.maxClients is ${limit}`));
    client.conn.disconnect(CloseCode.normal);
  }

  /** The first message of an esphil connection: hello, or auth_required and the auth deadline (PROTOCOL.md 8.1). */
  private greet(client: Client): void {
    const conn = client.conn;
    if (client.authorized) {
      void this.sendHello(conn.slot);
      return;
    }
    const deadlineMs = this.opts.authDeadlineMs ?? DEFAULT_AUTH_DEADLINE_MS;
    const msg: AuthRequiredMessage = { t: 'auth_required', proto: PROTOCOL_VERSION, deadlineMs };
    conn.send(JSON.stringify(msg));
    client.authTimer = setTimeout(() => {
      client.authTimer = null;
      if (client.authorized) return;
      // PROTOCOL.md 8.1: the reason goes in a message; the library's disconnect() can only close with 1000
      // (shared/reference/arduinowebsockets-facts.md §6, S.cpp:336-358, W.cpp:71-78).
      this.refuse(client, errorFrame(null, 'unauthorized', 'auth deadline passed'));
    }, deadlineMs);
  }

  /**
   * The device loop stopped (a blocking call, a deadlock): TCP stays up, but no frame is read or answered, no
   * ping is answered and no event or heartbeat goes out. Frames that arrive meanwhile are lost.
   */
  setHung(hung: boolean): void {
    this.transport.setHung(hung);
  }
  get isHung(): boolean {
    return this.transport.isHung;
  }

  private onBinary(client: Client): void {
    if (client.refuseTimer !== null) return;
    if (client.held) {
      client.held.push(() => this.onBinary(client));
      return;
    }
    if (client.mode === 'legacy') {
      this.ignoredLegacyFrames += 1;
      return;
    }
    this.reply(
      client.slot,
      client.authorized
        ? errorFrame(null, 'bad_request', 'binary frames are not accepted: send JSON text')
        : errorFrame(null, 'unauthorized', UNAUTHORIZED_FIRST),
    );
  }

  private onText(client: Client, data: Buffer): void {
    if (client.refuseTimer !== null) return;
    if (client.held) {
      client.held.push(() => this.onText(client, data));
      return;
    }
    if (client.mode === 'legacy' && !this.legacyFrame(client, data)) return;
    const text = utf8Text(data);
    if (text === null) {
      this.reply(
        client.slot,
        client.authorized
          ? errorFrame(null, 'bad_json', 'not valid UTF-8: a frame must be UTF-8 encoded JSON text')
          : errorFrame(null, 'unauthorized', UNAUTHORIZED_FIRST),
      );
      return;
    }
    if (!client.authorized) {
      this.onPreAuthFrame(client, text);
      return;
    }
    if (client.inflight >= this.maxQueuedFrames) {
      this.answerBusy(client, text);
      return;
    }
    this.toDevice(client, text).catch(() => {
      const d = decodeRequest(text);
      this.reply(
        client.slot,
        errorFrame(d.ok ? d.value.id : d.error.id, 'internal', 'device failed to handle the frame'),
      );
    });
  }

  /** One frame to the device, counted against the connection's limit; reading stops at the limit. */
  private toDevice(client: Client, text: string): Promise<void> {
    client.inflight += 1;
    if (client.inflight >= this.maxQueuedFrames && !client.paused) {
      client.paused = true;
      client.conn.pause();
    }
    return this.opts.handler.frame(client.slot, text).finally(() => {
      client.inflight -= 1;
      if (client.paused && client.inflight <= this.maxQueuedFrames >> 1) {
        client.paused = false;
        client.conn.resume();
      }
    });
  }

  /** A frame read past the limit: `busy` with its id, after the answers to the frames before it. */
  private answerBusy(client: Client, text: string): void {
    const d = decodeRequest(text, { maxBytes: this.maxPayload });
    const res = errorFrame(
      d.ok ? d.value.id : d.error.id,
      'busy',
      `more than ${this.maxQueuedFrames} requests unanswered on this connection: wait for answers, then retry`,
    );
    const send = (): void => this.reply(client.slot, res);
    const inTurn = this.opts.handler.inTurn;
    if (inTurn) inTurn.call(this.opts.handler, client.slot, send).catch(() => {});
    else send();
  }

  /** Frames of one connection the device has not answered yet (null when the slot is free). */
  queuedFrames(slot: number): number | null {
    return this.clients.get(slot)?.inflight ?? null;
  }

  /** PROTOCOL.md 8.1: only a decodable `auth` request gets past the gate; the id is the decoder's reading. */
  private onPreAuthFrame(client: Client, text: string): void {
    const d = decodeRequest(text, { maxBytes: this.maxPayload });
    if (!d.ok || d.value.op !== 'auth') {
      const id = d.ok ? d.value.id : d.error.id;
      this.reply(client.slot, errorFrame(id, 'unauthorized', UNAUTHORIZED_FIRST));
      return;
    }
    const { id, token } = d.value;
    const address = client.conn.address;
    const gate = this.throttle.gate(address);
    if (gate.locked) {
      // Not checked: while the address is locked a guess tells nothing (PROTOCOL.md 8.1).
      const msg = `too many failed auth attempts from this address: retry in ${gate.retryInMs} ms`;
      this.refuse(client, errorFrame(id, 'unauthorized', msg));
      return;
    }
    if (!tokenMatches(token, this.opts.authToken ?? '')) {
      this.wrongToken(client, errorFrame(id, 'unauthorized', 'wrong token'));
      return;
    }
    this.throttle.succeeded(address);
    client.authorized = true;
    if (client.authTimer !== null) clearTimeout(client.authTimer);
    client.authTimer = null;
    // The backend sees the auth request too (its state records the slot) and answers the ok response.
    void this.toDevice(client, text)
      .catch(() => this.reply(client.slot, errorFrame(id, 'internal', 'device failed to handle auth')))
      .then(() => this.sendHello(client.slot));
  }

  /** A wrong token: refused at once for the first few per address, then held for the address's lock window. */
  private wrongToken(client: Client, res: string): void {
    const holdMs = this.throttle.failed(client.conn.address);
    this.emit('auth-failed', client.slot, client.conn.address, holdMs);
    if (holdMs <= 0) {
      this.refuse(client, res);
      return;
    }
    if (client.authTimer !== null) clearTimeout(client.authTimer);
    client.authTimer = null;
    client.refuseTimer = setTimeout(() => this.refuse(client, res), holdMs);
  }

  /** The refusal, then the library's `disconnect()`: close 1000 (PROTOCOL.md 2.3, facts §6). */
  private refuse(client: Client, res: string): void {
    // The refusal must reach the client before the close, whatever latency is simulated.
    client.conn.sendNow(res);
    client.conn.disconnect(CloseCode.normal);
  }

  private async sendHello(slot: number): Promise<void> {
    const client = this.clients.get(slot);
    if (!client) return;
    let hello: Omit<HelloMessage, 'seq'>;
    try {
      hello = await this.opts.handler.hello(slot);
    } catch {
      client.conn.disconnect(CloseCode.normal);
      return;
    }
    if (this.clients.get(slot) !== client) return;
    const msg: HelloMessage = { ...hello, seq: client.seq };
    client.conn.send(JSON.stringify(msg), this.linkDelay());
    client.ready = true;
  }

  private linkDelay(): number {
    return this.opts.delay ? this.opts.delay() : 0;
  }

  private dice(rate: number): boolean {
    return roll(rate, this.opts.rng);
  }

  private corrupt(text: string): string {
    if (!this.dice(this.opts.faults?.corruptFrameRate ?? 0)) return text;
    return corruptFrame(text, this.opts.rng);
  }

  /** Runs `fn` with the sender's socket corked: its response and events leave in one write. */
  corked<T>(slot: number, fn: () => T): T {
    return this.transport.corked(slot, fn);
  }

  /** A response (or legacy reply) to one client. */
  reply(slot: number, text: string): void {
    const client = this.clients.get(slot);
    if (!client || this.isHung) return;
    const f = this.opts.faults ?? NO_LINK_FAULTS;
    if (this.dice(f.ackDropRate)) return;
    const d = this.opts.replyDelay ? this.opts.replyDelay() : this.linkDelay();
    client.conn.send(this.corrupt(text), d + f.ackDelayMs);
  }

  /** One event to one client, numbered for that connection. */
  sendEvent(slot: number, event: UnsequencedEvent, body: EventBody = eventBody(event)): void {
    const client = this.clients.get(slot);
    if (client?.mode === 'legacy') {
      this.sendLegacyEvent(client, event);
      return;
    }
    if (!client?.ready || this.isHung) return;
    client.seq += 1;
    if (this.dice(this.opts.faults?.eventDropRate ?? 0)) return;
    const corrupting = (this.opts.faults?.corruptFrameRate ?? 0) > 0;
    const delay = this.linkDelay();
    if (corrupting) client.conn.send(this.corrupt(`${body.head}${client.seq}${body.tail}`), delay);
    else client.conn.send(eventBytes(body, client.seq), delay);
  }

  /** Events to every authorised client that has its hello. Sensor events are per-subscription: not here. */
  broadcast(events: readonly UnsequencedEvent[]): void {
    for (const ev of events) {
      if (ev.ev === 'sensor') continue;
      this.broadcastEvent(ev, eventBody(ev));
    }
  }

  /** One event to every client, serialised once by the caller: only the per-connection seq differs. */
  broadcastEvent(ev: UnsequencedEvent, body: EventBody): void {
    for (const slot of this.slots()) this.sendEvent(slot, ev, body);
  }

  /** Start (hz > 0) or stop (null) the sensor timer of one client. */
  setSubscription(slot: number, sensor: string, hz: number | null): void {
    const client = this.clients.get(slot);
    if (!client) return;
    const old = client.sensors.get(sensor);
    if (old !== undefined) clearInterval(old);
    client.sensors.delete(sensor);
    if (hz === null || !(hz >= MIN_SENSOR_HZ)) return;
    // PROTOCOL.md 5.1 bounds the rate, so the period is 1..10000 ms (setInterval turns anything above 2^31-1 into 1).
    const period = 1000 / Math.min(hz, MAX_SENSOR_HZ);
    client.sensors.set(
      sensor,
      setInterval(() => this.opts.handler.sensorTick(slot, sensor), period),
    );
  }

  /** Frames still held back by simulated latency or ack-delay for one client. */
  pendingFrames(slot: number): number {
    return this.clients.get(slot)?.conn.pendingFrames ?? 0;
  }

  /** The output accounting of one connection (null when the slot is free). */
  outputStats(slot: number): OutputStats | null {
    return this.clients.get(slot)?.conn.outputStats() ?? null;
  }

  subscriptions(slot: number): string[] {
    return [...(this.clients.get(slot)?.sensors.keys() ?? [])];
  }

  /** Disconnect one client like `disconnect(num)`. */
  disconnect(slot: number): void {
    this.clients.get(slot)?.conn.disconnect(CloseCode.normal);
  }

  /**
   * Graceful goodbye before a software reboot: close frame to every client, then wait (at most `maxWaitMs`)
   * for the close handshakes so the frames are on the wire before the board goes away.
   */
  async closeAll(code: number, reason: string, maxWaitMs = GOODBYE_MAX_WAIT_MS): Promise<void> {
    const clients = [...this.clients.values()];
    if (clients.length === 0) return;
    const closed = clients.map(
      (c) =>
        new Promise<void>((resolve) =>
          c.conn.gone ? resolve() : c.conn.once('disconnected', () => resolve()),
        ),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    });
    // Frames still in flight (a reply delayed by latency) leave before the close frame, as on one TCP stream.
    await Promise.all(
      clients.map(async (c) => {
        await Promise.race([c.conn.whenFlushed(), deadline]);
        c.conn.clearOutput();
        c.conn.disconnect(code, reason);
      }),
    );
    await Promise.race([Promise.all(closed), deadline]);
    clearTimeout(timer);
  }

  /** The board vanished (reset, power loss): every TCP connection dies without a close handshake. */
  dropAll(): void {
    this.throttle = new AuthThrottle();
    this.transport.dropAll();
  }

  // ----- Legacy mode (PROTOCOL.md 9; the decisions are device-model's connection-mode.ts) -------------------------

  private servedPath(): string {
    return this.opts.path?.() ?? DEFAULT_WS_PATH;
  }

  private legacySupport(): LegacySupport {
    return this.opts.legacy?.() ?? { legacyText: false };
  }

  /**
   * A legacy-mode connection gets nothing unsolicited. On a device with a token it cannot authenticate without
   * switching, so it is closed (1000, no message: no JSON) when the auth deadline passes unswitched.
   */
  private startLegacy(client: Client): void {
    if (client.authorized) return;
    client.authTimer = setTimeout(() => {
      client.authTimer = null;
      if (client.mode === 'legacy') client.conn.disconnect(CloseCode.normal);
    }, this.opts.authDeadlineMs ?? DEFAULT_AUTH_DEADLINE_MS);
  }

  /** A legacy-mode connection's text frame: true when it goes on to the esphil path (a switch, or LED ON/OFF). */
  private legacyFrame(client: Client, data: Buffer): boolean {
    const kind = legacyFrameKind(data, false);
    if (kind === 'ignore') {
      this.ignoredLegacyFrames += 1;
      return false;
    }
    if (kind !== 'switch') return true;
    // For good: hello (or auth_required, the deadline counted from now) before the answer to this frame.
    client.mode = 'esphil';
    if (client.authTimer !== null) clearTimeout(client.authTimer);
    client.authTimer = null;
    if (!client.authorized) {
      this.greet(client); // auth_required leaves at once, ahead of the answer
      return true;
    }
    // hello comes from the device loop: hold this frame and any that follow until it has left.
    client.held = [() => this.onText(client, data)];
    void this.sendHello(client.slot).finally(() => {
      const held = client.held ?? [];
      client.held = null;
      if (this.clients.get(client.slot) === client) for (const run of held) run();
    });
    return false;
  }

  /** `LED is now ON/OFF` when the first LED changes, not for the connection's own command (answered already). */
  private sendLegacyEvent(client: Client, event: UnsequencedEvent): void {
    if (this.isHung) return;
    const text = legacyBroadcastText(event, this.legacySupport().firstLed, client.slot);
    if (text !== null) client.conn.send(text, this.linkDelay());
  }

  private cleanup(client: Client, reason: string): void {
    if (this.clients.get(client.slot) !== client) return;
    this.clients.delete(client.slot);
    if (client.authTimer !== null) clearTimeout(client.authTimer);
    if (client.refuseTimer !== null) clearTimeout(client.refuseTimer);
    for (const t of client.sensors.values()) clearInterval(t);
    client.sensors.clear();
    this.emit('disconnected', client.slot, reason);
    this.opts.handler.disconnected(client.slot);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/** A text frame's payload as the device's decoder sees it, or null when it is not UTF-8. */
function utf8Text(data: unknown): string | null {
  const bytes = Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data as Buffer[])
      : Buffer.from(data as ArrayBuffer);
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** An event's JSON split around its `seq` value: `{"t":"evt","seq":` + seq + `,...rest}`. */
export interface EventBody {
  head: string;
  tail: string;
  /** head and tail as UTF-8, made on first use: one encoding per event, however many clients get it. */
  bytes?: { head: Buffer; tail: Buffer };
}

/** The frame payload of `body` numbered `seq`: the encoded head and tail around the seq digits. */
export function eventBytes(body: EventBody, seq: number): Buffer {
  if (!body.bytes) body.bytes = { head: Buffer.from(body.head), tail: Buffer.from(body.tail) };
  const { head, tail } = body.bytes;
  const digits = String(seq);
  const out = Buffer.allocUnsafe(head.length + digits.length + tail.length);
  head.copy(out, 0);
  out.write(digits, head.length, 'latin1');
  tail.copy(out, head.length + digits.length);
  return out;
}

const EVENT_HEAD = '{"t":"evt",';

export function eventBody(event: UnsequencedEvent): EventBody {
  const json = JSON.stringify(event);
  // Events are built with `t` first (device-model and the firmware both do): one stringify, seq spliced in.
  if (json.startsWith(EVENT_HEAD)) {
    return { head: `${EVENT_HEAD}"seq":`, tail: `,${json.slice(EVENT_HEAD.length)}` };
  }
  const { t, ...rest } = event;
  // rest always has `ev`, so its JSON is `{...}` with at least one member: splice seq in front of them.
  return { head: `{"t":${JSON.stringify(t)},"seq":`, tail: `,${JSON.stringify(rest).slice(1)}` };
}
