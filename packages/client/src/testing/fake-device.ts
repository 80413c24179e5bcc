// Test helper: a small esphil device on a real loopback WebSocket server (port 0), following PROTOCOL semantics
// and the arduinoWebSockets quirks the client must cope with. No timers: tests drive time and events explicitly.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  type Capabilities,
  type DeviceStateSnapshot,
  MAX_FRAME_BYTES,
  OPS,
  PROTOCOL_VERSION,
  type UnsequencedEvent,
} from '@esphil/protocol';
import { type WebSocket, WebSocketServer } from 'ws';

export interface FakeDeviceOptions {
  /** Require `auth` with this token after `auth_required`. */
  token?: string;
  /** Refuse other Origins with close 1008 right after the upgrade. */
  origin?: string;
  /** Name echoed to ANY offered subprotocol (the arduinoWebSockets quirk). */
  protocolName?: string;
  /** Connections beyond this are dropped after the TCP accept (default 5). */
  maxClients?: number;
  /** Largest accepted incoming frame; larger closes with 1009 (default 15 KiB). */
  maxFrame?: number;
  /** Understand the tutorial text commands. */
  legacyText?: boolean;
  /** How a wrong token is refused: an error response then close 1008 (default), or close 1008 alone. */
  authRefusal?: 'error' | 'close';
  /** Protocol version announced in hello (default PROTOCOL_VERSION). */
  proto?: number;
  /** Only speak the tutorial text protocol (no hello). */
  legacyOnly?: boolean;
}

export interface FakeConn {
  ws: WebSocket;
  slot: number;
  seq: number;
  authed: boolean;
  subs: Map<string, number>;
  origin: string | undefined;
  protocol: string;
}

export const FAKE_CAPS: Capabilities = {
  leds: [{ name: 'status', pin: 2 }],
  pwm: [{ name: 'fan', pin: 18, freq: 5000, bits: 8 }],
  buttons: [{ name: 'boot', pin: 4 }],
  sensors: [{ name: 'light', pin: 34, unit: 'lx', maxHz: 50 }],
  ops: OPS.filter((o) => o !== 'config.set' && o !== 'config.get'),
  maxClients: 5,
  maxFrame: MAX_FRAME_BYTES,
  legacyText: true,
  auth: false,
};

export function defaultFakeState(): DeviceStateSnapshot {
  return {
    leds: { status: false },
    pwm: { fan: { freq: 5000, bits: 8, duty: 0 } },
    buttons: { boot: false },
    sensors: { light: { raw: 0, value: 0 } },
    logLevel: 'info',
  };
}

export class FakeDevice {
  readonly http: Server;
  readonly wss: WebSocketServer;
  readonly opts: FakeDeviceOptions;
  readonly conns = new Set<FakeConn>();
  /** Every text frame received, in order. */
  readonly received: string[] = [];
  state = defaultFakeState();
  boot = 'boot-1';
  bootCount = 1;
  uptimeMs = 0;
  /** While true the device answers nothing: no pongs, no responses, no events (a hung firmware). */
  silent = false;
  /** Sequence numbers to skip for the next events (simulates events lost on the air). */
  skipSeq = 0;
  /** Close codes of finished connections, as the device saw them. */
  readonly closeCodes: number[] = [];
  /** Connections refused at TCP level because of the client limit. */
  dropped = 0;
  /** Client limit (arduinoWebSockets default 5); mutable so a test can refuse everyone for a while. */
  maxClients: number;
  #upgradeWaiters: (() => void)[] = [];
  #nextSlot = 0;
  #connWaiters: ((c: FakeConn) => void)[] = [];

  constructor(opts: FakeDeviceOptions) {
    this.opts = opts;
    this.maxClients = opts.maxClients ?? 5;
    this.http = createServer((_req, res) => {
      res.writeHead(426).end();
    });
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: opts.maxFrame ?? MAX_FRAME_BYTES,
      autoPong: false,
      perMessageDeflate: false,
      handleProtocols: () => opts.protocolName ?? 'arduino',
    });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      for (const w of this.#upgradeWaiters.splice(0)) w();
      if (this.conns.size >= this.maxClients) {
        this.dropped++;
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req));
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}/`;
  }

  /** Resolves when the next upgrade request arrives (accepted or dropped). */
  nextUpgrade(): Promise<void> {
    return new Promise((resolve) => this.#upgradeWaiters.push(resolve));
  }

  /** Resolves with the next accepted connection. */
  nextConnection(): Promise<FakeConn> {
    return new Promise((resolve) => this.#connWaiters.push(resolve));
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const conn: FakeConn = {
      ws,
      slot: this.#nextSlot++ % 5,
      seq: 0,
      authed: this.opts.token === undefined,
      subs: new Map(),
      origin: req.headers.origin,
      protocol: ws.protocol,
    };
    this.conns.add(conn);
    ws.on('close', (code) => {
      this.conns.delete(conn);
      this.closeCodes.push(code);
    });
    ws.on('error', () => {});
    ws.on('ping', (data) => {
      if (!this.silent) ws.pong(data);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      this.received.push(text);
      if (this.silent) return;
      this.#onText(conn, text);
    });
    for (const w of this.#connWaiters.splice(0)) w(conn);
    if (this.opts.origin !== undefined && conn.origin !== this.opts.origin) {
      ws.close(1008, 'origin not allowed');
      return;
    }
    ws.ping(); // arduinoWebSockets pings right after the handshake
    if (this.opts.legacyOnly) return;
    if (this.opts.token !== undefined) {
      this.send(conn, { t: 'auth_required', proto: PROTOCOL_VERSION, deadlineMs: 5000 });
      return;
    }
    this.sendHello(conn);
  }

  sendHello(conn: FakeConn): void {
    this.send(conn, {
      t: 'hello',
      proto: this.opts.proto ?? PROTOCOL_VERSION,
      fw: 'fake-1.0.0',
      board: 'esp32-devkit-v1',
      device: 'fake',
      boot: this.boot,
      caps: { ...FAKE_CAPS, auth: this.opts.token !== undefined },
      state: this.state,
      seq: conn.seq,
    });
  }

  send(conn: FakeConn, msg: object): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(msg));
  }

  sendRaw(text: string | Buffer, binary = false): void {
    for (const c of this.conns) if (c.ws.readyState === c.ws.OPEN) c.ws.send(text, { binary });
  }

  /** Broadcasts an event, numbering it per connection (honouring skipSeq to simulate loss). */
  emit(e: UnsequencedEvent, only?: (c: FakeConn) => boolean): void {
    if (this.silent) return;
    const skip = this.skipSeq;
    this.skipSeq = 0;
    for (const c of this.conns) {
      if (!c.authed || (only && !only(c))) continue;
      c.seq += 1 + skip;
      this.send(c, { ...e, seq: c.seq });
    }
  }

  press(button: string, pressed: boolean): void {
    this.state.buttons[button] = pressed;
    this.emit({ t: 'evt', ev: 'button', button, pressed });
  }

  reading(sensor: string, raw: number): void {
    const value = raw * 0.5;
    this.state.sensors[sensor] = { raw, value };
    this.emit({ t: 'evt', ev: 'sensor', sensor, raw, value }, (c) => c.subs.has(sensor));
  }

  /** Reboot: every client dropped, new boot id, state back to defaults. */
  reboot(): void {
    for (const c of this.conns) c.ws.terminate();
    this.bootCount++;
    this.boot = `boot-${this.bootCount}`;
    this.state = defaultFakeState();
  }

  /** Drops every connection without a closing handshake, state kept (WiFi blip). */
  dropAll(): void {
    for (const c of this.conns) c.ws.terminate();
  }

  #res(conn: FakeConn, id: number | null, result: object): void {
    this.send(conn, { t: 'res', id, ok: true, result });
  }
  #err(conn: FakeConn, id: number | null, code: string, msg: string): void {
    this.send(conn, { t: 'res', id, ok: false, error: { code, msg } });
  }

  #onText(conn: FakeConn, text: string): void {
    if ((this.opts.legacyText || this.opts.legacyOnly) && (text === 'LED ON' || text === 'LED OFF')) {
      const on = text === 'LED ON';
      this.state.leds.status = on;
      for (const c of this.conns) c.ws.send(on ? 'LED is now ON' : 'LED is now OFF');
      return;
    }
    let req: Record<string, unknown>;
    try {
      req = JSON.parse(text);
    } catch {
      this.#err(conn, null, 'bad_json', 'not JSON');
      return;
    }
    const id = typeof req.id === 'number' ? req.id : null;
    if (id === null || typeof req.op !== 'string') {
      this.#err(conn, null, 'bad_request', 'id/op missing');
      return;
    }
    if (!conn.authed) {
      if (req.op === 'auth' && req.token === this.opts.token) {
        conn.authed = true;
        this.#res(conn, id, {});
        this.sendHello(conn);
      } else {
        if (this.opts.authRefusal !== 'close') this.#err(conn, id, 'unauthorized', 'bad token');
        conn.ws.close(1008, 'unauthorized');
      }
      return;
    }
    const by = `ws:${conn.slot}`;
    switch (req.op) {
      case 'ping':
        this.#res(conn, id, {
          ...(typeof req.ts === 'number' ? { ts: req.ts } : {}),
          uptimeMs: this.uptimeMs,
        });
        return;
      case 'info':
        this.#res(conn, id, {
          fw: 'fake-1.0.0',
          board: 'esp32-devkit-v1',
          device: 'fake',
          boot: this.boot,
          uptimeMs: this.uptimeMs,
          heapFree: 200000,
          rssi: -50,
          ip: '127.0.0.1',
          clients: this.conns.size,
        });
        return;
      case 'state.get':
        this.#res(conn, id, this.state);
        return;
      case 'led.set':
      case 'led.toggle': {
        const led = String(req.led);
        if (!(led in this.state.leds)) {
          this.#err(conn, id, 'unknown_target', `no LED ${led}`);
          return;
        }
        const on = req.op === 'led.set' ? req.on === true : !this.state.leds[led];
        this.state.leds[led] = on;
        this.#res(conn, id, { led, on });
        this.emit({ t: 'evt', ev: 'led', led, on, by });
        return;
      }
      case 'pwm.set':
      case 'pwm.config': {
        const ch = String(req.ch);
        const cur = this.state.pwm[ch];
        if (!cur) {
          this.#err(conn, id, 'unknown_target', `no PWM ${ch}`);
          return;
        }
        if (req.op === 'pwm.config') {
          const freq = Number(req.freq);
          const bits = Number(req.bits);
          if (freq * 2 ** bits > 80_000_000) {
            this.#err(conn, id, 'pwm_infeasible', 'freq x 2^bits > 80 MHz');
            return;
          }
          cur.freq = freq;
          cur.bits = bits;
          cur.duty = Math.min(cur.duty, 2 ** bits - 1);
        } else {
          const max = 2 ** cur.bits - 1;
          if (typeof req.duty === 'number') cur.duty = Math.round(req.duty * max);
          else if (typeof req.raw === 'number' && req.raw >= 0 && req.raw <= max) cur.duty = req.raw;
          else {
            this.#err(conn, id, 'bad_param', 'duty or raw required');
            return;
          }
        }
        this.#res(conn, id, { ch, ...cur });
        this.emit({ t: 'evt', ev: 'pwm', ch, ...cur, by });
        return;
      }
      case 'sensor.subscribe': {
        const sensor = String(req.sensor);
        if (!(sensor in this.state.sensors)) {
          this.#err(conn, id, 'unknown_target', `no sensor ${sensor}`);
          return;
        }
        const hz = Number(req.hz);
        if (!(hz > 0 && hz <= 50)) {
          this.#err(conn, id, 'bad_param', 'hz out of range');
          return;
        }
        conn.subs.set(sensor, hz);
        this.#res(conn, id, { sensor, hz });
        return;
      }
      case 'sensor.unsubscribe': {
        const sensor = String(req.sensor);
        conn.subs.delete(sensor);
        this.#res(conn, id, { sensor });
        return;
      }
      case 'reboot':
        this.#res(conn, id, { inMs: 0 });
        this.reboot();
        return;
      case 'log.level':
        this.state.logLevel = req.level as DeviceStateSnapshot['logLevel'];
        this.#res(conn, id, { level: req.level });
        return;
      default:
        this.#err(conn, id, 'unknown_op', `unknown op ${String(req.op)}`);
    }
  }

  close(): Promise<void> {
    for (const c of this.conns) c.ws.terminate();
    return new Promise((resolve) => {
      this.wss.close();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }
}

export async function startFakeDevice(opts: FakeDeviceOptions = {}): Promise<FakeDevice> {
  const d = new FakeDevice(opts);
  await new Promise<void>((resolve) => d.http.listen(0, '127.0.0.1', resolve));
  return d;
}
