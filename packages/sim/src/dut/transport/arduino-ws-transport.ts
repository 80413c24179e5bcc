/**
 * The WebSocket transport as links2004/arduinoWebSockets 2.7.3 runs it on an ESP32, where a client can tell the
 * difference. Every rule cites shared/reference/arduinowebsockets-facts.md (§ and file:line of the library). A
 * real `ws` server (noServer, on our own http server) parses frames; this module decides what the library would:
 *
 * - slots: WEBSOCKETS_SERVER_CLIENT_MAX (5), lowest free slot first; a client beyond them is closed at TCP level
 *   before any HTTP answer, whatever its request says (§1.4, S.cpp:443-456, 642-658; §10 slot reuse);
 * - handshake: GET only, `Connection` containing "upgrade", `Upgrade: websocket`, a non-empty key and version 13,
 *   else the library's own 400 (§1.2, S.cpp:817-835, S.h:139-151); every other header goes to the sketch's
 *   validator (`validateHeader`, the firmware's Origin check) and a refusal is the same 400 (§2, S.cpp:789-790);
 * - any offered subprotocol is answered with the server's own name (§3, S.cpp:871-874);
 * - one empty ping right after the 101, before the sketch hears of the client (§4, S.cpp:855-888);
 * - frames: > 15360 bytes -> close 1009 (§5.2, W.cpp:438-442); no UTF-8 validation (§5.5); fragments are not
 *   reassembled: each is delivered as a fragment event, which the sketch sees apart from whole messages (§5.5,
 *   README:19); pings answered with a pong echoing the payload (§5.5, W.cpp:490-495);
 * - close codes the library sends: 1000 (disconnect, answer to a peer's close), 1002, 1009, 1011 (§6); heartbeat
 *   expiry and reset send none (§7, W.cpp:755-758);
 * - enableHeartbeat(interval, timeout, failures) (§7);
 * - TCP timeout 5000 ms for the handshake (§8, W.h:124-126);
 * - a full send buffer: the frame is lost, the client stays connected (§9, W.cpp:291-310).
 *
 * Not modelled (ws refuses them with 1002 where the library accepts them): unmasked client frames (§5.3), RSV bits
 * (§5.4), control frames over 125 bytes or fragmented (§5.5). Also: the slot is taken at upgrade, not at TCP accept
 * (§1.4), so a silent TCP client holds no slot here; the library's malformed 401 (basic auth, unused by esphil).
 *
 * The esphil connection behaviour (hello, seq, the auth gate) sits on top, in ../ws-server.ts.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DEFAULT_MAX_CLIENTS, MAX_FRAME_BYTES, SUBPROTOCOL } from '@esphil/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import { FragmentTracker } from '../fragment-tracker';
import { createOutbox, type Outbox } from '../outbox';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Missed pongs in a row before the client is dropped. */
  failures: number;
}

/** enableHeartbeat() values the esphil firmware uses (device-model WebSocketConfig defaults). */
export const DEFAULT_HEARTBEAT: HeartbeatOptions = { intervalMs: 15_000, timeoutMs: 3_000, failures: 2 };
/** WEBSOCKETS_TCP_TIMEOUT (facts §8, W.h:124-126): a TCP client that does not complete its handshake is dropped. */
export const TCP_TIMEOUT_MS = 5_000;
/**
 * Bytes one connection may hold unsent (frames held back by simulated latency plus the socket's write buffer)
 * before further frames to it are dropped. Models the device's TCP send buffer: when it is full the library's
 * write makes no progress, `sendFrame` returns false and the frame is lost, the slot stays connected and nothing
 * else happens (facts §9, W.cpp:291-310, W.cpp:671-712). PROTOCOL.md 7: a dropped event still uses its seq number.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024;
/**
 * What arduinoWebSockets writes when the handshake is invalid or its header validator refuses (the firmware's
 * Origin check): a 400, then TCP stop (facts §1.3 and §2, S.h:139-151). PROTOCOL.md 2.3.
 */
export const LIBRARY_400 =
  'HTTP/1.1 400 Bad Request\r\nServer: arduino-WebSocket-Server\r\nContent-Type: text/plain\r\n' +
  'Content-Length: 32\r\nConnection: close\r\nSec-WebSocket-Version: 13\r\n\r\nThis is a Websocket server only!';
const TEXT_FRAME = { binary: false } as const;
/** Headers the library parses itself; every other one goes to the validator (facts §1.1, S.cpp:769-794). */
const LIBRARY_HEADERS = new Set([
  'connection',
  'upgrade',
  'sec-websocket-version',
  'sec-websocket-key',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'authorization',
]);

export type RefusalReason = 'not-accepting' | 'bad-handshake' | 'origin' | 'full';

export interface ArduinoWsTransportOptions {
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
  /** Unsent bytes per connection before frames are dropped (see DEFAULT_MAX_BUFFERED_BYTES). */
  maxBufferedBytes?: number;
  /** false while the board cannot take clients (off, booting, no WiFi): upgrades are dropped. */
  accepting(): boolean;
  /**
   * The sketch's onValidateHttpHeader: called with each header the library does not parse itself, name as sent;
   * one false refuses the handshake with the library's 400 (facts §1.1, S.cpp:789-794).
   */
  validateHeader?(name: string, value: string): boolean;
  /**
   * Asked once the library's own checks passed, before the 101, for a device body that validates headers itself
   * (./body/body-server.ts): `headers` are the ones the library hands the sketch's validator (facts §1.1). false
   * refuses with the library's 400 (facts §2). The slot is held meanwhile. A handshake that dies after a true is
   * reported as `abandoned`.
   */
  admit?(info: HandshakeInfo): Promise<boolean>;
}

/** What the sketch learns of a handshake: the slot, the request target (query included) and the headers. */
export interface HandshakeInfo {
  slot: number;
  /** cUrl: the request target, query included (facts §10, S.cpp:754). */
  url: string;
  headers: [name: string, value: string][];
  address: string;
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

export interface WsConnectionEvents {
  /** A whole text frame (FIN set), bytes as received: the library does not check UTF-8 (facts §5.5). */
  text: [data: Buffer];
  /** A whole binary frame. */
  binary: [];
  /** One fragment (FIN clear, or a continuation): the library hands each over on its own (facts §5.5). */
  fragment: [];
  /** The connection is gone (any cause); fired once. */
  disconnected: [reason: string];
}

/** One client slot, as the sketch sees it through the library. */
export class WsConnection extends EventEmitter<WsConnectionEvents> {
  readonly slot: number;
  /** `ip:port` of the peer. */
  readonly remote: string;
  /** The peer's IP (the library's remoteIP(num), facts §11.5). */
  readonly address: string;
  /**
   * The request target as the GET line carried it, query included: the `cUrl` the library hands the sketch in
   * WStype_CONNECTED (facts §1.1, S.cpp:752-758).
   */
  readonly target: string;
  readonly ws: WebSocket;
  private readonly outbox: Outbox;
  private readonly transport: ArduinoWsTransport;
  private readonly output = { peak: 0, dropped: 0 };
  hbTimer: ReturnType<typeof setTimeout> | null = null;
  pongTimer: ReturnType<typeof setTimeout> | null = null;
  missedPongs = 0;
  gone = false;

  constructor(
    transport: ArduinoWsTransport,
    slot: number,
    ws: WebSocket,
    remote: string,
    address: string,
    target = '/',
  ) {
    super();
    this.transport = transport;
    this.slot = slot;
    this.ws = ws;
    this.remote = remote;
    this.address = address;
    this.target = target;
    this.outbox = createOutbox((data) => {
      // A text frame whether the payload comes as a string or as bytes already encoded once for every client.
      if (ws.readyState === ws.OPEN) ws.send(data, TEXT_FRAME);
    });
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Unsent bytes: frames waiting for their simulated latency plus the socket buffer. */
  get bufferedBytes(): number {
    return this.outbox.pendingBytes + this.ws.bufferedAmount;
  }

  /** Frames still held back by simulated latency. */
  get pendingFrames(): number {
    return this.outbox.pending;
  }

  /**
   * Room for a frame of `bytes` payload bytes? If not, it is dropped and counted: the library's sendFrame fails on
   * a full send buffer without disconnecting (facts §9, W.cpp:291-310).
   */
  admit(bytes: number): boolean {
    // A server frame header is at most 10 bytes (no mask; facts §9, W.cpp:96-102).
    if (this.bufferedBytes + bytes + 10 > this.transport.maxBufferedBytes) {
      this.output.dropped += 1;
      return false;
    }
    return true;
  }

  /**
   * sendTXT after `delayMs` of simulated link latency, in order; false when the send buffer is full. `data` may be
   * the UTF-8 bytes already (an event encoded once for every client).
   */
  send(data: string | Buffer, delayMs = 0): boolean {
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    const before = this.bufferedBytes;
    // A server frame header is at most 10 bytes (no mask; facts §9, W.cpp:96-102).
    if (before + bytes + 10 > this.transport.maxBufferedBytes) {
      this.output.dropped += 1;
      return false;
    }
    this.outbox.send(data, delayMs);
    // What the frame added, without asking the socket again (ws counts payload bytes only).
    const after = before + bytes;
    if (after > this.output.peak) this.output.peak = after;
    return true;
  }

  /** A frame that must leave now, ahead of anything held back by latency (a refusal right before a close). */
  sendNow(text: string): void {
    this.outbox.clear();
    if (this.open) this.ws.send(text);
  }

  whenFlushed(): Promise<void> {
    return this.outbox.whenEmpty();
  }

  clearOutput(): void {
    this.outbox.clear();
  }

  outputStats(): OutputStats {
    return {
      bufferedBytes: this.bufferedBytes,
      peakBufferedBytes: this.output.peak,
      droppedFrames: this.output.dropped,
    };
  }

  /** The library's disconnect(num): close 1000, no reason, TCP dropped (facts §6, W.cpp:71-78). */
  disconnect(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }

  /** TCP just goes away (heartbeat expiry, reset): no close frame (facts §7, W.cpp:755-758). */
  terminate(): void {
    this.ws.terminate();
  }

  /** Stop reading this socket (TCP backpressure) until resume(). */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    if (this.open) this.ws.resume();
  }

  /** @internal */
  finish(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.outbox.clear();
    if (this.hbTimer !== null) clearTimeout(this.hbTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.emit('disconnected', reason);
  }
}

export interface ArduinoWsTransportEvents {
  /** A client passed the handshake (WStype_CONNECTED, after the 101 and the ping; facts §4, §10). */
  connection: [conn: WsConnection];
  refused: [reason: RefusalReason, remote: string];
  /** `admit` said yes but the upgrade did not complete (the peer went away): the slot never connected. */
  abandoned: [slot: number];
}

export class ArduinoWsTransport extends EventEmitter<ArduinoWsTransportEvents> {
  readonly protocol: string;
  /** The slot table's size; the bench raises it above the config's limit for its 100-client run. */
  maxClients: number;
  readonly maxPayload: number;
  readonly maxBufferedBytes: number;
  private readonly opts: ArduinoWsTransportOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly conns = new Map<number, WsConnection>();
  /** Slots held by handshakes in flight, so two racing upgrades cannot share one. */
  private readonly reserved = new Map<number, object>();
  private readonly sockets = new Set<Socket>();
  private closed = false;
  private hung = false;
  private _port = 0;
  private readonly _host: string;

  constructor(opts: ArduinoWsTransportOptions) {
    super();
    this.opts = opts;
    this.protocol = opts.protocol ?? SUBPROTOCOL;
    this.maxClients = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.maxPayload = opts.maxPayload ?? MAX_FRAME_BYTES;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this._host = opts.host ?? '127.0.0.1';
    this.wss = new WebSocketServer({
      noServer: true,
      // > WEBSOCKETS_MAX_DATA_SIZE: close 1009 (facts §5.2).
      maxPayload: this.maxPayload,
      // Never negotiated: the 101 has no Sec-WebSocket-Extensions (facts §1.3).
      perMessageDeflate: false,
      clientTracking: false,
      // Pongs come from the device loop (see setHung), as in arduinoWebSockets.
      autoPong: false,
      // Any offered subprotocol is answered with the server's own name (facts §3).
      handleProtocols: () => this.protocol,
      // No UTF-8 validation anywhere in the library (facts §5.5): never 1007.
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
  get connectionCount(): number {
    return this.conns.size;
  }
  connection(slot: number): WsConnection | undefined {
    return this.conns.get(slot);
  }
  connections(): WsConnection[] {
    return [...this.conns.values()];
  }

  /**
   * The device loop stopped: TCP stays up, but no frame is read or answered, no ping is answered and no heartbeat
   * goes out. Frames that arrive meanwhile are lost.
   */
  setHung(hung: boolean): void {
    this.hung = hung;
  }
  get isHung(): boolean {
    return this.hung;
  }

  /**
   * Runs `fn` with `slot`'s socket corked, so the frames one request produces for its sender (the response and
   * the events) leave in one write. Every other client gets one frame per event, which ws writes at once: corking
   * them too would hold the first client's event until the last one's was built (measured: BENCHMARKS.md).
   * Node counts corks, so ws's own cork/uncork around each frame nests inside this one.
   */
  corked<T>(slot: number, fn: () => T): T {
    const socket = (this.conns.get(slot)?.ws as unknown as { _socket?: Socket } | undefined)?._socket;
    if (!socket || socket.destroyed) return fn();
    socket.cork();
    try {
      return fn();
    } finally {
      socket.uncork();
    }
  }

  /** The board vanished (reset, power loss): every TCP connection dies without a close handshake. */
  dropAll(): void {
    for (const c of [...this.conns.values()]) {
      c.terminate();
      this.release(c, 'dropped');
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dropAll();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.wss.close();
  }

  private freeSlot(): number {
    for (let i = 0; i < this.maxClients; i++) {
      if (!this.conns.has(i) && !this.reserved.has(i)) return i;
    }
    return -1;
  }

  /** The library's checks at the blank line (facts §1.2, S.cpp:817-835) and the sketch's validator. */
  private handshakeOk(req: IncomingMessage): 'ok' | 'bad-handshake' | 'origin' {
    const h = req.headers;
    const upgrade = (h.connection ?? '').toLowerCase().includes('upgrade');
    const websocket = (h.upgrade ?? '').toLowerCase() === 'websocket';
    const key = (h['sec-websocket-key'] ?? '').trim();
    const version = Number.parseInt(String(h['sec-websocket-version'] ?? ''), 10);
    if (req.method !== 'GET' || !upgrade || !websocket || key === '' || version !== 13)
      return 'bad-handshake';
    const validate = this.opts.validateHeader;
    if (!validate) return 'ok';
    let valid = true;
    const raw = req.rawHeaders;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!;
      // The library ANDs every result, without short-circuit (facts §1.1, S.cpp:790).
      if (!LIBRARY_HEADERS.has(name.toLowerCase())) valid = validate(name, raw[i + 1]!) && valid;
    }
    return valid ? 'ok' : 'origin';
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    if (this.closed || !this.opts.accepting()) {
      this.emit('refused', 'not-accepting', remote);
      socket.destroy();
      return;
    }
    // The slot is checked before a byte of the request is read: no slot, no HTTP answer at all (facts §1.4).
    const slot = this.freeSlot();
    if (slot < 0) {
      this.emit('refused', 'full', remote);
      socket.destroy();
      return;
    }
    const verdict = this.handshakeOk(req);
    if (verdict !== 'ok') {
      this.emit('refused', verdict, remote);
      socket.end(LIBRARY_400);
      return;
    }
    const hold = {};
    this.reserved.set(slot, hold);
    const release = (): void => {
      if (this.reserved.get(slot) === hold) this.reserved.delete(slot);
    };
    socket.once('close', release);
    if (this.opts.admit) {
      const info: HandshakeInfo = {
        slot,
        url: req.url ?? '/',
        headers: validatorHeaders(req.rawHeaders),
        address: socket.remoteAddress ?? '?',
      };
      this.opts.admit(info).then(
        (ok) => {
          if (!ok) {
            release();
            this.emit('refused', 'origin', remote);
            socket.end(LIBRARY_400);
          } else if (socket.destroyed || this.closed) {
            release();
            this.emit('abandoned', slot);
            socket.destroy();
          } else this.upgrade(req, socket, head, slot, release, remote);
        },
        () => {
          release();
          socket.destroy();
        },
      );
      return;
    }
    this.upgrade(req, socket, head, slot, release, remote);
  }

  private upgrade(
    req: IncomingMessage,
    socket: Socket,
    head: Buffer,
    slot: number,
    release: () => void,
    remote: string,
  ): void {
    try {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        release();
        // ws has attached its own reader by now and re-queued `head`: this listener sees the same bytes first.
        const fragments = new FragmentTracker();
        socket.prependListener('data', (chunk: Buffer) => fragments.feed(chunk));
        this.onOpen(slot, ws, remote, socket.remoteAddress ?? '?', fragments, req.url ?? '/');
      });
    } catch {
      release();
      socket.destroy();
    }
  }

  private onOpen(
    slot: number,
    ws: WebSocket,
    remote: string,
    address: string,
    fragments: FragmentTracker,
    target: string,
  ): void {
    if (this.closed) {
      ws.terminate();
      return;
    }
    const c = new WsConnection(this, slot, ws, remote, address, target);
    this.conns.set(slot, c);
    ws.on('error', () => {});
    ws.on('close', (code) => this.release(c, `closed (${code})`));
    ws.on('pong', () => this.onPong(c));
    ws.on('ping', (data) => {
      // The auto-pong is a sendFrame like any other: lost when the send buffer is full (facts §5.5, §9).
      if (!this.hung && c.open && c.admit(data.length)) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => {
      // One flag per message ws emits, taken even when the message is then dropped, to stay in step.
      const fragmented = fragments.nextWasFragmented();
      if (this.closed || this.hung) return;
      if (fragmented) c.emit('fragment');
      else if (isBinary) c.emit('binary');
      else c.emit('text', toBuffer(data));
    });
    // The empty ping after the 101, then the sketch hears of the client (facts §4).
    ws.ping();
    this.startHeartbeat(c);
    this.emit('connection', c);
  }

  private release(c: WsConnection, reason: string): void {
    if (this.conns.get(c.slot) !== c) return;
    this.conns.delete(c.slot);
    c.finish(reason);
  }

  private heartbeat(): HeartbeatOptions | null {
    const hb = this.opts.heartbeat === undefined ? DEFAULT_HEARTBEAT : this.opts.heartbeat;
    return hb === false ? null : hb;
  }

  private startHeartbeat(c: WsConnection): void {
    const hb = this.heartbeat();
    if (!hb || c.hbTimer !== null) return;
    c.hbTimer = setTimeout(() => {
      c.hbTimer = null;
      this.heartbeatPing(c, hb);
    }, hb.intervalMs);
  }

  private heartbeatPing(c: WsConnection, hb: HeartbeatOptions): void {
    if (!c.open) return;
    if (this.hung) {
      this.startHeartbeat(c);
      return;
    }
    c.ws.ping();
    c.pongTimer = setTimeout(() => {
      c.pongTimer = null;
      c.missedPongs++;
      if (c.missedPongs >= hb.failures) {
        // clientDisconnect(): the library just stops the TCP client (facts §7, W.cpp:755-758).
        c.terminate();
        return;
      }
      // handleHBPing() forces the next ping right away after a missed pong (facts §7, W.cpp:746-751).
      this.heartbeatPing(c, hb);
    }, hb.timeoutMs);
  }

  private onPong(c: WsConnection): void {
    if (c.pongTimer === null) return;
    clearTimeout(c.pongTimer);
    c.pongTimer = null;
    c.missedPongs = 0;
    this.startHeartbeat(c);
  }
}

/** The request's headers the library does not parse itself, names as sent (facts §1.1, S.cpp:769-794). */
function validatorHeaders(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (!LIBRARY_HEADERS.has(name.toLowerCase())) out.push([name, raw[i + 1]!]);
  }
  return out;
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return Buffer.from(data as ArrayBuffer);
}
