/**
 * The body app: a DeviceBody (the firmware's whole Device, ../body/body.ts) behind the arduinoWebSockets transport
 * (../body/body-server.ts). Every connection decision (path, hello, seq, auth, Origin) and the whole app console
 * (boot, wifi and ready lines, logs, serial requests, Improv, the event mirror) are the body's; the board adds what
 * the chip and the board do: the UART's noise, pin faults, the link faults and latency (./link-faults.ts), loop
 * passes, reset and crash handling. A fresh body boots at every boot, behind the same transport (the port stays).
 */
import type { DeviceConfig, DeviceIdentity } from '@esphil/device-model';
import { pwmFraction } from '@esphil/device-model';
import { type Capabilities, DEFAULT_WS_PATH } from '@esphil/protocol';
import { SimError } from '../../errors';
import type { BodyBooted, BodyNetwork, DeviceAction, DeviceBodyFactory } from '../body/body';
import { BodyServer } from '../body/body-server';
import type { HeartbeatOptions } from '../transport/arduino-ws-transport';
import { DEFAULT_HEARTBEAT } from '../transport/arduino-ws-transport';
import { type AppBoot, type AppBooted, type BoardContext, boardIp, type DutApp } from './app';
import { BodySwitch } from './body-switch';
import { LinkFaults } from './link-faults';

/** How often the board runs the firmware's loop(), ms (a guess at a loop with nothing blocking in it). */
export const BODY_LOOP_MS = 10;

export interface BodyAppOptions {
  body: DeviceBodyFactory;
  host?: string;
  port?: number;
  heartbeat?: HeartbeatOptions | false;
  maxBufferedBytes?: number;
  /** VirtualEsp32Options.maxClients. */
  maxClients?: number;
}

export class BodyApp implements DutApp {
  readonly server: BodyServer;
  private readonly ctx: BoardContext;
  private readonly factory: DeviceBodyFactory;
  private readonly body = new BodySwitch();
  private readonly link: LinkFaults;
  private _caps: Capabilities | null = null;
  private wifiUp = false;
  private isHung = false;
  private loopTimer: ReturnType<typeof setInterval> | null = null;
  private passRunning = false;
  /** Input levels the body has been told, so a pass sends only what changed. */
  private readonly told = new Map<string, number>();
  private config: DeviceConfig;

  constructor(ctx: BoardContext, opts: BodyAppOptions) {
    this.ctx = ctx;
    this.factory = opts.body;
    this.config = ctx.store.config;
    const wsc = ctx.store.config.websocket ?? {};
    this.link = new LinkFaults({
      faults: ctx.faults,
      rng: ctx.rng,
      oneWay: () => ctx.latency.oneWay(),
      rtt: () => ctx.latency.rtt(),
    });
    this.server = new BodyServer({
      body: this.body,
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      protocol: wsc.protocol,
      // client-limit: fewer slots than WEBSOCKETS_SERVER_CLIENT_MAX (facts §1.4); else the library's own 5.
      maxClients: opts.maxClients ?? ctx.faults.clientLimit ?? undefined,
      heartbeat: opts.heartbeat !== undefined ? opts.heartbeat : (wsc.heartbeat ?? DEFAULT_HEARTBEAT),
      maxBufferedBytes: opts.maxBufferedBytes,
      // The board's loop passes drive the body (inputs first): see loopPass().
      tickMs: 0,
      accepting: () => ctx.running() && this.wifiUp,
      link: this.link,
    });
    this.server.on('effect', (a) => this.onEffect(a));
    this.server.on('restart', () => this.onRestart());
    // A failed body call: a dead native process rejects what was pending, then reports its exit (onExit), which
    // is the crash the board handles. Nothing else to do here.
    this.server.on('error', () => {});
  }

  // ----- DutApp ---------------------------------------------------------------------------------------------------

  listen(): Promise<void> {
    return this.server.listen();
  }
  get url(): string {
    return `${this.server.transport.url.slice(0, -1)}${this.config.websocket?.path ?? DEFAULT_WS_PATH}`;
  }
  get port(): number {
    return this.server.transport.port;
  }
  get host(): string {
    return this.server.transport.host;
  }
  get clientCount(): number {
    return this.server.transport.connectionCount;
  }
  get wifiConnected(): boolean {
    return this.wifiUp;
  }
  get caps(): Capabilities | null {
    return this._caps;
  }
  /** Body calls made (tests count jobs, not milliseconds). */
  get jobsRun(): number {
    return this.server.jobsRun;
  }
  get hung(): boolean {
    return this.isHung;
  }
  /** A hung loop: no loop passes, no RX, no pongs; frames that arrive meanwhile are lost (the transport's hang). */
  setHung(hung: boolean): void {
    this.isHung = hung;
    this.server.transport.setHung(hung);
  }

  async boot(b: AppBoot): Promise<AppBooted> {
    const { gen } = b;
    // What an older body still had queued runs against no body (BodySwitch), never against the new one.
    await this.server.idle();
    if (gen !== this.ctx.gen) throw new SimError('not_running', 'the DUT was reset during boot');
    const store = this.ctx.store;
    this.config = store.config;
    const network = this.network();
    const stored = store.credentials;
    const joins =
      this.config.wifi !== false &&
      network !== null &&
      stored !== null &&
      stored.ssid === network.ssid &&
      stored.password === network.password;
    const body = this.factory();
    this.body.use(body);
    body.onExit?.((exit) => this.ctx.crashed(gen, exit));
    this.told.clear();
    let booted: BodyBooted;
    try {
      booted = await this.server.boot({
        // The sim listens on an ephemeral port that stands in for the configured one: the firmware is told that
        // port, so the URL its ready line (and Improv) names is one a client can open.
        config: { ...this.config, websocket: { ...this.config.websocket, port: this.port } },
        fw: b.identity.fw,
        chipId: chipIdOf(b.identity.device),
        bootId: b.identity.boot,
        network,
        stored: stored ? { ...stored } : null,
        ip: boardIp(this.host),
        resetReason: b.reason,
        // The image the bootloader just read (the flash model), so the boot line and hello carry its `app`.
        ...(b.identity.app ? { app: { ...b.identity.app } } : {}),
      });
    } catch (err) {
      if (gen !== this.ctx.gen) throw new SimError('not_running', 'the DUT was reset during boot');
      throw err;
    }
    if (gen !== this.ctx.gen) throw new SimError('not_running', 'the DUT was reset during boot');
    this._caps = booted.caps;
    // The firmware joins the network at its first loop pass (WiFi.begin() at boot): then it is ready.
    await this.loopPass();
    if (gen !== this.ctx.gen) throw new SimError('not_running', 'the DUT was reset during boot');
    this.wifiUp = joins;
    this.loopTimer = setInterval(() => void this.loopPass(), BODY_LOOP_MS);
    const identity: DeviceIdentity = { ...b.identity, ...booted.identity };
    if (b.identity.app) identity.app = b.identity.app;
    return { identity, caps: booted.caps, ip: this.ip, url: this.wifiUp ? this.url : null };
  }

  serial(data: Uint8Array): void {
    // A hung loop reads nothing; what arrived meanwhile is lost with the UART FIFO.
    if (!this.ctx.running() || this.isHung) return;
    void this.server.serial(data);
  }

  /** board.reboot() and the reboot faults: the library's disconnect() (1000) to every client, then the restart. */
  async closeAll(): Promise<void> {
    for (const c of this.server.transport.connections()) this.link.close(c, 1000);
    await this.link.settle();
  }

  drop(): void {
    this.stopLoop();
    this.wifiUp = false;
    this.server.reset();
    this.server.transport.dropAll();
    const old = this.body.use(null);
    if (old) void old.close().catch(() => {});
    if (this._caps) {
      this.ctx.pins.release([...this._caps.leds.map((l) => l.pin), ...this._caps.pwm.map((p) => p.pin)]);
    }
  }

  async close(): Promise<void> {
    this.stopLoop();
    const old = this.body.use(null);
    await this.server.close();
    await old?.close().catch(() => {});
  }

  // ----- The board around the body --------------------------------------------------------------------------------

  private get ip(): string | null {
    return this.wifiUp ? boardIp(this.host) : null;
  }

  /** The one network in range the body models (the stored SSID's if it is there); none with wifi-down. */
  private network(): BodyNetwork | null {
    if (this.ctx.faults.wifiDown) return null;
    const nets = this.ctx.store.networks;
    const want = this.ctx.store.credentials?.ssid;
    const n = nets.find((x) => x.ssid === want) ?? nets[0];
    return n ? { ssid: n.ssid, password: n.password, rssi: n.rssi ?? -60 } : null;
  }

  private stopLoop(): void {
    if (this.loopTimer !== null) clearInterval(this.loopTimer);
    this.loopTimer = null;
  }

  /** One pass of loop(): the pin and ADC levels the firmware will read, then the pass itself. */
  private async loopPass(): Promise<void> {
    if (this.isHung || this.passRunning) return;
    this.passRunning = true;
    try {
      const pins = this.ctx.pins;
      for (const btn of this.config.buttons ?? []) {
        const level = pins.buttonLevel(btn);
        if (this.tell(`d${btn.pin}`, level)) await this.server.pin(btn.pin, level).catch(() => {});
      }
      for (const s of this.config.sensors ?? []) {
        const raw = pins.readAdc(s.pin);
        if (this.tell(`a${s.pin}`, raw)) await this.server.adc(s.pin, raw).catch(() => {});
      }
      await this.server.tick();
    } finally {
      this.passRunning = false;
    }
  }

  private tell(key: string, value: number): boolean {
    if (this.told.get(key) === value) return false;
    this.told.set(key, value);
    return true;
  }

  private onEffect(a: DeviceAction): void {
    const { pins, uart, store } = this.ctx;
    switch (a.a) {
      case 'pin':
        pins.digital(a.pin, a.level);
        break;
      case 'pwm':
        pins.pwm(a.pin, a.freq, pwmFraction(a.duty, a.bits));
        break;
      case 'serial':
        uart.appWrite(a.data);
        break;
      case 'store-config':
        try {
          store.storeConfig(JSON.parse(a.json) as DeviceConfig);
        } catch {
          // The firmware wrote what it validated; a config that is not JSON would not boot there either.
        }
        break;
      case 'store-wifi': {
        store.credentials = { ssid: a.ssid, password: a.password };
        // Written after the join (Improv): the firmware prints its ready line in the same pass, right after.
        this.wifiUp = true;
        queueMicrotask(() => this.ctx.ready({ ip: this.ip, url: this.url }));
        break;
      }
      default:
        break;
    }
  }

  /** ESP.restart(): the body closed its clients (BodyServer dropped the rest); once the closes are out, reset. */
  private onRestart(): void {
    const gen = this.ctx.gen;
    this.stopLoop();
    void this.link.settle().then(() => this.ctx.espRestart(gen));
  }
}

/** The chip id the device id ends with (`name-a1b2c3`): the body derives the same device id from it. */
function chipIdOf(device: string): string {
  return device.slice(device.lastIndexOf('-') + 1);
}
