/**
 * The virtual ESP32's WebSocket server: a real `ws` server on its own http server (noServer), so the
 * upgrade is ours and can mimic links2004/arduinoWebSockets where clients can tell the difference
 * (shared/reference/hardware-facts.md): fixed client slots (a client beyond the limit is accepted at TCP level
 * and dropped without handshake), 15 KiB frame limit (close 1009), an empty ping right after the handshake,
 * enableHeartbeat() semantics, and the subprotocol echo quirk. Token auth, the Origin allow-list, hello,
 * per-connection event numbering and per-client sensor rates are the esphil firmware's behaviour on top.
 *
 * Device logic lives behind `WsServerHandler`; this file only moves frames and never throws on client input.
 */
import { timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  type AuthRequiredMessage,
  CloseCode,
  DEFAULT_MAX_CLIENTS,
  decodeRequest,
  type ErrorCode,
  type ErrorResponse,
  type HelloMessage,
  MAX_FRAME_BYTES,
  MAX_SENSOR_HZ,
  MIN_SENSOR_HZ,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  type UnsequencedEvent,
} from '@esphil/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Rng } from '../rng';
import { AuthThrottle } from './auth-throttle';
import { FragmentTracker } from './fragment-tracker';
import { createOutbox, type Outbox } from './outbox';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Missed pongs in a row before the client is dropped. */
  failures: number;
}

/** enableHeartbeat() values the esphil firmware uses (device-model WebSocketConfig defaults). */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 15_000, timeoutMs: 3_000, failures: 2 };
export const DEFAULT_AUTH_DEADLINE_MS = 5_000;
/** arduinoWebSockets' TCP timeout for a handshake. */
export const TCP_TIMEOUT_MS = 5_000;
/**
 * Bytes one connection may hold unsent (frames held back by simulated latency plus the socket's write buffer)
 * before further frames to it are dropped. Models the device's TCP send buffer: when it is full the library's
 * write makes no progress, `sendFrame` returns false and the frame is lost, the slot stays connected and nothing
 * else happens (shared/reference/arduinowebsockets-facts.md §9, W.cpp:291-310, W.cpp:671-712). PROTOCOL.md 7: a
 * dropped event still uses its seq number.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;
/**
 * Frames of one connection handed to the device and not yet answered. At the limit the server stops reading
 * that socket (TCP backpressure, as the library reads one frame per client per loop pass and leaves the rest in
 * the TCP receive window: facts §5.1, S.cpp:700-710) until half of them are answered. Frames already read past
 * the limit are answered `busy` in order (PROTOCOL.md 3, rule 5).
 */
export const DEFAULT_MAX_QUEUED_FRAMES = 16;
/** How long a software reboot waits for clients to acknowledge its 1001 close frames. */
export const GOODBYE_MAX_WAIT_MS = 1_000;
/**
 * What arduinoWebSockets writes when its header validator refuses (the firmware's Origin check): a 400, then TCP
 * stop (shared/reference/arduinowebsockets-facts.md §1.3 and §2, S.h:139-151). PROTOCOL.md 2.3.
 */
export const LIBRARY_400 =
  'HTTP/1.1 400 Bad Request\r\nServer: arduino-WebSocket-Server\r\nContent-Type: text/plain\r\n' +
  'Content-Length: 32\r\nConnection: close\r\nSec-WebSocket-Version: 13\r\n\r\nThis is a Websocket server only!';
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

export interface WsServerOptions {
  handler: WsServerHandler;
  host?: string;
  /** 0 = ephemeral. */
  port?: number;
  /** Server's subprotocol name (echoed to any offer). Default SUBPROTOCOL. */
  protocol?: string;
  /** WEBSOCKETS_SERVER_CLIENT_MAX. Default 5. */
  maxClients?: number;
  /** WEBSOCKETS_MAX_DATA_SIZE. Default 15 KiB. */
  maxPayload?: number;
  heartbeat?: HeartbeatOptions | false;
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
  /** Unsent bytes per connection before frames are dropped (see DEFAULT_MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
  /** Unanswered frames per connection before reading stops (see DEFAULT_MAX_QUEUED_FRAMES). */
  maxQueuedFrames?: number;
}

/** What one connection's output did: the bound is never exceeded, overflowing frames are counted. */
export interface OutputStats {
  /** Bytes not yet on the wire: latency queue plus socket write buffer. */
  bufferedBytes: number;
  /** Highest `bufferedBytes` seen right after a frame was accepted. */
  peakBufferedBytes: number;
  /** Frames (responses, events, pongs) dropped because the buffer was full. */
  droppedFrames: number;
}

interface Client {
  slot: number;
  ws: WebSocket;
  outbox: Outbox;
  /** Last event seq used on this connection. */
  seq: number;
  authorized: boolean;
  /** hello sent: events may flow. */
  ready: boolean;
  authTimer: ReturnType<typeof setTimeout> | null;
  hbTimer: ReturnType<typeof setTimeout> | null;
  pongTimer: ReturnType<typeof setTimeout> | null;
  missedPongs: number;
  hb: HeartbeatOptions | null;
  sensors: Map<string, ReturnType<typeof setInterval>>;
  remote: string;
  /** The peer's IP address: failed auth attempts are counted per address. */
  address: string;
  /** A wrong token's refusal is held (auth-throttle.ts): the connection is closing and reads nothing more. */
  refuseTimer: ReturnType<typeof setTimeout> | null;
  fragments: FragmentTracker;
  output: { peak: number; dropped: number };
  /** Frames handed to the device and not answered yet. */
  inflight: number;
  /** Reading stopped because `inflight` reached the limit. */
  paused: boolean;
}

export interface WsServerEvents {
  connected: [slot: number, remote: string];
  disconnected: [slot: number, reason: string];
  refused: [reason: 'not-accepting' | 'origin' | 'full' | 'path', remote: string];
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

export class WsServer extends EventEmitter<WsServerEvents> {
  readonly protocol: string;
  readonly maxClients: number;
  readonly maxPayload: number;
  readonly maxBufferedBytes: number;
  readonly maxQueuedFrames: number;
  private readonly opts: WsServerOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<number, Client>();
  /** Slots held by handshakes in flight, so two racing upgrades cannot share one. */
  private readonly reserved = new Map<number, object>();
  private readonly sockets = new Set<Socket>();
  private readonly fragmentsOf = new WeakMap<WebSocket, FragmentTracker>();
  /** Failed auth attempts per remote address; RAM only, so a reset forgets them (as on the board). */
  private throttle = new AuthThrottle();
  private closed = false;
  private hung = false;
  private _port = 0;
  private _host: string;

  constructor(opts: WsServerOptions) {
    super();
    this.opts = opts;
    this.protocol = opts.protocol ?? SUBPROTOCOL;
    this.maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.maxPayload = opts.maxPayload ?? MAX_FRAME_BYTES;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.maxQueuedFrames = Math.max(1, opts.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES);
    this._host = opts.host ?? '127.0.0.1';
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
      // Pongs come from the device loop (see setHung), as in arduinoWebSockets.
      autoPong: false,
      // arduinoWebSockets answers ANY offered subprotocol with its own name, offered or not.
      handleProtocols: () => this.protocol,
      // The library never validates UTF-8 (facts §5.5): the device's decoder answers bad_json instead of 1007.
      skipUTF8Validation: true,
    });
    this.http = createServer((_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end('WebSocket only\n');
    });
    this.http.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
    });
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
    this.http.on('clientError', (_err, socket) => socket.destroy());
    // WEBSOCKETS_TCP_TIMEOUT: a TCP client that does not complete its handshake is dropped.
    this.http.headersTimeout = TCP_TIMEOUT_MS;
    this.http.requestTimeout = TCP_TIMEOUT_MS;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port ?? 0, this._host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this._port = (this.http.address() as AddressInfo).port;
  }

  get port(): number {
    return this._port;
  }
  get host(): string {
    return this._host;
  }
  /** Where clients reach the server; a wildcard listen address is announced as loopback. */
  get url(): string {
    const host = this._host === '0.0.0.0' ? '127.0.0.1' : this._host === '::' ? '::1' : this._host;
    const h = host.includes(':') ? `[${host}]` : host;
    return `ws://${h}:${this._port}/`;
  }
  get clientCount(): number {
    return this.clients.size;
  }
  slots(): number[] {
    return [...this.clients.keys()].sort((a, b) => a - b);
  }

  private remoteOf(socket: Socket): string {
    return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const remote = this.remoteOf(socket);
    if (this.closed || !this.opts.handler.accepting()) {
      this.emit('refused', 'not-accepting', remote);
      socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    const allowed = this.opts.allowedOrigins ?? [];
    if (origin !== undefined && allowed.length > 0 && !allowed.includes(origin)) {
      this.emit('refused', 'origin', remote);
      socket.end(LIBRARY_400);
      return;
    }
    let slot = -1;
    for (let i = 0; i < this.maxClients; i++) {
      if (!this.clients.has(i) && !this.reserved.has(i)) {
        slot = i;
        break;
      }
    }
    if (slot < 0) {
      // arduinoWebSockets: TCP accepted, no free slot, connection stopped before any HTTP answer.
      this.emit('refused', 'full', remote);
      socket.destroy();
      return;
    }
    const hold = {};
    this.reserved.set(slot, hold);
    const release = (): void => {
      if (this.reserved.get(slot) === hold) this.reserved.delete(slot);
    };
    // handleUpgrade may abort (bad key/version) without calling back: free the slot when the socket dies.
    socket.once('close', release);
    try {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        release();
        // ws has attached its own reader by now and re-queued `head`: this listener sees the same bytes first.
        const fragments = new FragmentTracker();
        socket.prependListener('data', (chunk: Buffer) => fragments.feed(chunk));
        this.fragmentsOf.set(ws, fragments);
        this.onConnection(slot, ws, remote, socket.remoteAddress ?? '?');
      });
    } catch {
      release();
      socket.destroy();
    }
  }

  private onConnection(slot: number, ws: WebSocket, remote: string, address: string): void {
    if (this.closed) {
      ws.terminate();
      return;
    }
    const client: Client = {
      slot,
      ws,
      outbox: createOutbox((text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      }),
      seq: 0,
      authorized: this.opts.authToken === undefined,
      ready: false,
      authTimer: null,
      hbTimer: null,
      pongTimer: null,
      missedPongs: 0,
      hb: null,
      sensors: new Map(),
      remote,
      address,
      refuseTimer: null,
      fragments: this.fragmentsOf.get(ws) ?? new FragmentTracker(),
      output: { peak: 0, dropped: 0 },
      inflight: 0,
      paused: false,
    };
    this.clients.set(slot, client);
    ws.on('error', () => {});
    ws.on('close', (code) => this.cleanup(client, `closed (${code})`));
    ws.on('pong', () => this.onPong(client));
    ws.on('ping', (data) => {
      // The library's pong is a sendFrame like any other: lost when the send buffer is full (facts §5.5, §9).
      if (!this.hung && ws.readyState === ws.OPEN && this.admit(client, data.length)) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => this.onMessage(client, data, isBinary));
    ws.ping();
    this.emit('connected', slot, remote);
    this.startHeartbeat(client);
    if (client.authorized) {
      void this.sendHello(slot);
    } else {
      const deadlineMs = this.opts.authDeadlineMs ?? DEFAULT_AUTH_DEADLINE_MS;
      const msg: AuthRequiredMessage = { t: 'auth_required', proto: PROTOCOL_VERSION, deadlineMs };
      ws.send(JSON.stringify(msg));
      client.authTimer = setTimeout(() => {
        client.authTimer = null;
        if (client.authorized) return;
        // PROTOCOL.md 8.1: the reason goes in a message; the library's disconnect() can only close with 1000
        // (shared/reference/arduinowebsockets-facts.md §6, S.cpp:336-358, W.cpp:71-78).
        this.refuse(client, errorFrame(null, 'unauthorized', 'auth deadline passed'));
      }, deadlineMs);
    }
  }

  private startHeartbeat(client: Client): void {
    const hb = this.opts.heartbeat === undefined ? DEFAULT_HEARTBEAT : this.opts.heartbeat;
    if (hb === false) return;
    client.hb = hb;
    this.scheduleHeartbeat(client);
  }

  private scheduleHeartbeat(client: Client): void {
    const hb = client.hb;
    if (!hb || client.hbTimer !== null) return;
    client.hbTimer = setTimeout(() => {
      client.hbTimer = null;
      this.heartbeatPing(client);
    }, hb.intervalMs);
  }

  private heartbeatPing(client: Client): void {
    const hb = client.hb;
    if (!hb || client.ws.readyState !== client.ws.OPEN) return;
    if (this.hung) {
      this.scheduleHeartbeat(client);
      return;
    }
    client.ws.ping();
    client.pongTimer = setTimeout(() => {
      client.pongTimer = null;
      client.missedPongs++;
      if (client.missedPongs >= hb.failures) {
        // clientDisconnect(): the library just stops the TCP client.
        client.ws.terminate();
        return;
      }
      // handleHBPing() forces the next ping right away after a missed pong.
      this.heartbeatPing(client);
    }, hb.timeoutMs);
  }

  private onPong(client: Client): void {
    if (client.pongTimer === null) return;
    clearTimeout(client.pongTimer);
    client.pongTimer = null;
    client.missedPongs = 0;
    this.scheduleHeartbeat(client);
  }

  /**
   * The device loop stopped (a blocking call, a deadlock): TCP stays up, but no frame is read or answered, no
   * ping is answered and no event or heartbeat goes out. Frames that arrive meanwhile are lost.
   */
  setHung(hung: boolean): void {
    this.hung = hung;
  }
  get isHung(): boolean {
    return this.hung;
  }

  private onMessage(client: Client, data: unknown, isBinary: boolean): void {
    // One flag per message ws emits, taken even when the message is then dropped, to stay in step.
    const fragmented = client.fragments.nextWasFragmented();
    if (this.closed || this.hung || client.refuseTimer !== null) return;
    // PROTOCOL.md 2.4: the library delivers each fragment on its own and the firmware ignores every one.
    if (fragmented) return;
    if (isBinary) {
      this.reply(
        client.slot,
        client.authorized
          ? errorFrame(null, 'bad_request', 'binary frames are not accepted: send JSON text')
          : errorFrame(null, 'unauthorized', 'send {"op":"auth","token":...} first'),
      );
      return;
    }
    const text = utf8Text(data);
    if (text === null) {
      this.reply(
        client.slot,
        client.authorized
          ? errorFrame(null, 'bad_json', 'not valid UTF-8: a frame must be UTF-8 encoded JSON text')
          : errorFrame(null, 'unauthorized', 'send {"op":"auth","token":...} first'),
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
      client.ws.pause();
    }
    return this.opts.handler.frame(client.slot, text).finally(() => {
      client.inflight -= 1;
      if (client.paused && client.inflight <= this.maxQueuedFrames >> 1) {
        client.paused = false;
        if (client.ws.readyState === client.ws.OPEN) client.ws.resume();
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
      this.reply(client.slot, errorFrame(id, 'unauthorized', 'send {"op":"auth","token":...} first'));
      return;
    }
    const { id, token } = d.value;
    const gate = this.throttle.gate(client.address);
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
    this.throttle.succeeded(client.address);
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
    const holdMs = this.throttle.failed(client.address);
    this.emit('auth-failed', client.slot, client.address, holdMs);
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
    client.outbox.clear();
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(res);
    client.ws.close(CloseCode.normal);
  }

  private async sendHello(slot: number): Promise<void> {
    const client = this.clients.get(slot);
    if (!client) return;
    let hello: Omit<HelloMessage, 'seq'>;
    try {
      hello = await this.opts.handler.hello(slot);
    } catch {
      client.ws.close(CloseCode.normal);
      return;
    }
    if (this.clients.get(slot) !== client) return;
    const msg: HelloMessage = { ...hello, seq: client.seq };
    this.queue(client, JSON.stringify(msg), this.linkDelay());
    client.ready = true;
  }

  private linkDelay(): number {
    return this.opts.delay ? this.opts.delay() : 0;
  }

  private dice(rate: number): boolean {
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    return (this.opts.rng?.next() ?? Math.random()) < rate;
  }

  private corrupt(text: string): string {
    if (!this.dice(this.opts.faults?.corruptFrameRate ?? 0)) return text;
    const rng = this.opts.rng;
    const r = (n: number): number => Math.floor((rng?.next() ?? Math.random()) * n);
    // Truncation plus a flipped character: invalid JSON, as a torn frame from a broken firmware would be.
    const cut = Math.max(1, r(text.length));
    const chars = text.slice(0, cut).split('');
    const at = r(chars.length);
    chars[at] = chars[at] === '#' ? '%' : '#';
    return chars.join('');
  }

  /**
   * Runs `fn` with every client socket corked, so the frames one request produces (its response and the events
   * every client gets) leave in one write per socket instead of one each. Node counts corks, so ws's own
   * cork/uncork around each frame nests inside this one.
   */
  corked<T>(fn: () => T): T {
    const sockets: Socket[] = [];
    for (const c of this.clients.values()) {
      const socket = (c.ws as unknown as { _socket?: Socket })._socket;
      if (socket && !socket.destroyed) {
        socket.cork();
        sockets.push(socket);
      }
    }
    try {
      return fn();
    } finally {
      for (const socket of sockets) socket.uncork();
    }
  }

  /** Unsent bytes of one connection: frames waiting for their simulated latency plus the socket buffer. */
  private buffered(client: Client): number {
    return client.outbox.pendingBytes + client.ws.bufferedAmount;
  }

  /**
   * Room for a frame of `bytes` payload bytes on this connection? If not, the frame is dropped and counted, as
   * the library's sendFrame fails on a full send buffer without disconnecting (facts §9, W.cpp:291-310).
   */
  private admit(client: Client, bytes: number): boolean {
    // The frame header is at most 10 bytes from a server (no mask; facts §9, W.cpp:96-102).
    if (this.buffered(client) + bytes + 10 > this.maxBufferedBytes) {
      client.output.dropped += 1;
      return false;
    }
    return true;
  }

  private queue(client: Client, text: string, delayMs: number): void {
    if (!this.admit(client, Buffer.byteLength(text))) return;
    client.outbox.send(text, delayMs);
    client.output.peak = Math.max(client.output.peak, this.buffered(client));
  }

  /** The output accounting of one connection (null when the slot is free). */
  outputStats(slot: number): OutputStats | null {
    const client = this.clients.get(slot);
    if (!client) return null;
    return {
      bufferedBytes: this.buffered(client),
      peakBufferedBytes: client.output.peak,
      droppedFrames: client.output.dropped,
    };
  }

  /** A response (or legacy reply) to one client. */
  reply(slot: number, text: string): void {
    const client = this.clients.get(slot);
    if (!client || this.hung) return;
    const f = this.opts.faults ?? NO_LINK_FAULTS;
    if (this.dice(f.ackDropRate)) return;
    const d = this.opts.replyDelay ? this.opts.replyDelay() : this.linkDelay();
    this.queue(client, this.corrupt(text), d + f.ackDelayMs);
  }

  /** One event to one client, numbered for that connection. */
  sendEvent(slot: number, event: UnsequencedEvent, body: EventBody = eventBody(event)): void {
    const client = this.clients.get(slot);
    if (!client?.ready || this.hung) return;
    client.seq += 1;
    if (this.dice(this.opts.faults?.eventDropRate ?? 0)) return;
    const text = `${body.head}${client.seq}${body.tail}`;
    this.queue(client, this.corrupt(text), this.linkDelay());
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
    return this.clients.get(slot)?.outbox.pending ?? 0;
  }

  subscriptions(slot: number): string[] {
    return [...(this.clients.get(slot)?.sensors.keys() ?? [])];
  }

  /** Disconnect one client like `disconnect(num)`. */
  disconnect(slot: number): void {
    this.clients.get(slot)?.ws.close(CloseCode.normal);
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
          c.ws.readyState === c.ws.CLOSED ? resolve() : c.ws.once('close', () => resolve()),
        ),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    });
    // Frames still in flight (a reply delayed by latency) leave before the close frame, as on one TCP stream.
    await Promise.all(
      clients.map(async (c) => {
        await Promise.race([c.outbox.whenEmpty(), deadline]);
        c.outbox.clear();
        c.ws.close(code, reason);
      }),
    );
    await Promise.race([Promise.all(closed), deadline]);
    clearTimeout(timer);
  }

  /** The board vanished (reset, power loss): every TCP connection dies without a close handshake. */
  dropAll(): void {
    this.throttle = new AuthThrottle();
    for (const client of [...this.clients.values()]) {
      client.ws.terminate();
      this.cleanup(client, 'dropped');
    }
  }

  private cleanup(client: Client, reason: string): void {
    if (this.clients.get(client.slot) !== client) return;
    this.clients.delete(client.slot);
    client.outbox.clear();
    if (client.authTimer !== null) clearTimeout(client.authTimer);
    if (client.refuseTimer !== null) clearTimeout(client.refuseTimer);
    if (client.hbTimer !== null) clearTimeout(client.hbTimer);
    if (client.pongTimer !== null) clearTimeout(client.pongTimer);
    for (const t of client.sensors.values()) clearInterval(t);
    client.sensors.clear();
    this.emit('disconnected', client.slot, reason);
    this.opts.handler.disconnected(client.slot);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dropAll();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.wss.close();
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
