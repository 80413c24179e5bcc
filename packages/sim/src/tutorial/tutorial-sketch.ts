/**
 * The tutorial's own firmware, simulated (`esphil-sim --firmware tutorial`): the classic ESP32 sketch of
 * shared/seed/esp32-websocket-tutorial.md, not the esphil firmware. WebSocketsServer on its port; a text frame
 * `LED ON` / `LED OFF` drives the LED pin and the sketch broadcasts `LED is now ON` / `LED is now OFF` to every
 * client (seed §3 step 3, "Client -> Server: LED ON", "LED is now ON"). It sends nothing else: no hello, no JSON,
 * no answer to other text. Lets the rig and tutorial pages be tried against firmware that is not esphil's.
 *
 * Modelled from arduinoWebSockets where a client can tell (hardware-facts.md): 5 client slots (a sixth is
 * dropped), the 15 KiB frame limit (close 1009). Matching follows the protocol's legacy rule (isLegacyText:
 * exact text, one trailing newline tolerated). The serial console prints what such a sketch prints.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  DEFAULT_MAX_CLIENTS,
  isLegacyText,
  LEGACY_REPLY_OFF,
  LEGACY_REPLY_ON,
  MAX_FRAME_BYTES,
} from '@esphil/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import type { DutPinBus } from '../dut/pins';

/** The tutorial's LED: GPIO2, the DevKit's on-board LED (and DEFAULT_SIM_CONFIG's `status`). */
export const TUTORIAL_LED_PIN = 2;

export interface TutorialSketchOptions {
  pins: DutPinBus;
  host?: string;
  /** 0 = ephemeral (default). The tutorial uses 81. */
  port?: number;
  ledPin?: number;
  maxClients?: number;
  maxFrameBytes?: number;
}

export interface TutorialSketchEvents {
  /** Bytes on the UART towards the host. */
  serial: [data: Uint8Array];
  led: [on: boolean];
}

export class TutorialSketch extends EventEmitter<TutorialSketchEvents> {
  private readonly opts: Required<Omit<TutorialSketchOptions, 'pins'>> & { pins: DutPinBus };
  private http: Server | null = null;
  private readonly wss: WebSocketServer;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<WebSocket>();
  private _led = false;
  private _port = 0;

  constructor(opts: TutorialSketchOptions) {
    super();
    this.opts = {
      pins: opts.pins,
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      ledPin: opts.ledPin ?? TUTORIAL_LED_PIN,
      maxClients: opts.maxClients ?? DEFAULT_MAX_CLIENTS,
      maxFrameBytes: opts.maxFrameBytes ?? MAX_FRAME_BYTES,
    };
    // A frame above the limit closes the connection with 1009, as the library does.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.opts.maxFrameBytes });
  }

  get led(): boolean {
    return this._led;
  }
  get port(): number {
    return this._port;
  }
  /** The address clients reach (a wildcard listen address is reached on loopback). */
  get ip(): string {
    const h = this.opts.host;
    return h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h;
  }
  get url(): string {
    return `ws://${this.ip.includes(':') ? `[${this.ip}]` : this.ip}:${this._port}/`;
  }
  get clientCount(): number {
    return this.clients.size;
  }

  /** setup(): pin, serial banner, WiFi, then webSocket.begin(). */
  async start(): Promise<void> {
    await this.setup(this.opts.port);
  }

  /**
   * The EN button: every client dropped, the LED released, then setup() runs again on the port it had (the
   * sketch's port is a constant; only the sim's first, ephemeral pick is chosen at run time).
   */
  async reset(): Promise<void> {
    const port = this._port || this.opts.port;
    await this.close();
    this._led = false;
    await this.setup(port);
  }

  private async setup(port: number): Promise<void> {
    if (this.http) return;
    this.opts.pins.driveDigital(this.opts.ledPin, 0);
    this.println('Connecting to WiFi...');
    const http = createServer((_req, res) => res.writeHead(404).end());
    http.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    http.on('upgrade', (req, socket, head) => {
      // arduinoWebSockets has fixed client slots: one beyond them is dropped before any HTTP answer.
      if (this.clients.size >= this.opts.maxClients) {
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws));
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, this.opts.host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.http = http;
    this._port = (http.address() as AddressInfo).port;
    this.println('WiFi connected');
    this.println(`IP address: ${this.ip}`);
    this.println(`WebSocket server started on port ${this._port}`);
  }

  private onConnection(ws: WebSocket): void {
    this.clients.add(ws);
    const n = this.clients.size - 1;
    this.println(`[${n}] Connected!`);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.onText(data.toString());
    });
    ws.on('close', () => {
      this.clients.delete(ws);
      this.println('Disconnected!');
    });
    ws.on('error', () => ws.terminate());
  }

  private onText(text: string): void {
    const cmd = isLegacyText(text);
    if (cmd === null) return;
    this._led = cmd === 'on';
    this.opts.pins.driveDigital(this.opts.ledPin, this._led ? 1 : 0);
    this.emit('led', this._led);
    const reply = this._led ? LEGACY_REPLY_ON : LEGACY_REPLY_OFF;
    this.println(reply);
    for (const c of this.clients) if (c.readyState === c.OPEN) c.send(reply);
  }

  private println(line: string): void {
    this.emit('serial', Buffer.from(`${line}\r\n`, 'utf8'));
  }

  async close(): Promise<void> {
    const http = this.http;
    this.http = null;
    if (!http) return;
    for (const c of this.clients) c.terminate();
    this.clients.clear();
    const closed = new Promise<void>((resolve) => http.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
    this.opts.pins.driveDigital(this.opts.ledPin, null);
  }
}
