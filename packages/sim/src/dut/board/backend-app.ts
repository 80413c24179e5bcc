/**
 * The backend app: the sim's own connection code (../ws-server.ts: hello, seq, the auth gate, legacy mode, link
 * faults) and console (./backend-console.ts: machine lines, serial requests, Improv, the WiFi join) in front of a
 * frame-level DeviceBackend (../backend.ts). Device work runs one job at a time in ../device-loop.ts.
 */
import type { DeviceConfig, DeviceIdentity, Effect, Input, Origin, StepContext } from '@esphil/device-model';
import {
  type Capabilities,
  CloseCode,
  DEFAULT_MAX_CLIENTS,
  DEFAULT_WS_PATH,
  type HelloMessage,
  PROTOCOL_VERSION,
  SERIAL_MACHINE_PREFIX,
} from '@esphil/protocol';
import { SimError } from '../../errors';
import type { BackendOutput, DeviceBackend, DeviceBackendFactory } from '../backend';
import { DeviceLoop } from '../device-loop';
import type { WifiNetwork } from '../wifi-env';
import { DEFAULT_HEARTBEAT, eventBody, type HeartbeatOptions, WsServer } from '../ws-server';
import { type AppBoot, type AppBooted, type BoardContext, boardIp, type DutApp } from './app';
import { BackendConsole } from './backend-console';

/** Device-loop source of the board's own work (serial, inputs, boot); connections are `ws:<slot>`. */
const DEVICE_SOURCE = 'device';
const wsSource = (slot: number): string => `ws:${slot}`;

export interface BackendAppOptions {
  backend: DeviceBackendFactory;
  host?: string;
  port?: number;
  heartbeat?: HeartbeatOptions | false;
  maxBufferedBytes?: number;
  /** VirtualEsp32Options.maxClients. */
  maxClients?: number;
}

export class BackendApp implements DutApp {
  readonly ws: WsServer;
  private readonly ctx: BoardContext;
  private readonly factory: DeviceBackendFactory;
  private readonly loop = new DeviceLoop();
  private readonly console: BackendConsole;
  private backend: DeviceBackend | null = null;
  private _caps: Capabilities | null = null;
  private identity: DeviceIdentity = { fw: '', board: '', device: '', boot: '' };
  /** Sensor samples queued, `slot:sensor`. */
  private readonly sensorDue = new Set<string>();
  wifiUp = false;
  wifiNetwork: WifiNetwork | null = null;

  constructor(ctx: BoardContext, opts: BackendAppOptions) {
    this.ctx = ctx;
    this.factory = opts.backend;
    const wsc = ctx.store.config.websocket ?? {};
    this.ws = new WsServer({
      handler: {
        accepting: () => ctx.running() && this.wifiUp,
        hello: (slot) => this.enqueue(() => this.hello(slot), false, wsSource(slot)),
        frame: (slot, text) => this.enqueue(() => this.onWsFrame(slot, text), false, wsSource(slot)),
        inTurn: (slot, fn) => this.enqueue(fn, false, wsSource(slot)),
        sensorTick: (slot, sensor) => this.onSensorDue(slot, sensor),
        disconnected: (slot) => void this.onWsDisconnected(slot),
      },
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      protocol: wsc.protocol,
      // The library's slots are the firmware build's WEBSOCKETS_SERVER_CLIENT_MAX (apps/firmware/platformio.ini);
      // websocket.maxClients is the device's own limit inside them (PROTOCOL.md 2.3).
      maxClients: opts.maxClients ?? ctx.faults.clientLimit ?? DEFAULT_MAX_CLIENTS,
      deviceMaxClients: () =>
        opts.maxClients ?? ctx.store.config.websocket?.maxClients ?? DEFAULT_MAX_CLIENTS,
      heartbeat: opts.heartbeat !== undefined ? opts.heartbeat : (wsc.heartbeat ?? DEFAULT_HEARTBEAT),
      authToken: wsc.authToken,
      authDeadlineMs: wsc.authDeadlineMs,
      allowedOrigins: wsc.allowedOrigins,
      delay: () => ctx.latency.oneWay(),
      replyDelay: () => ctx.latency.rtt(),
      faults: ctx.faults,
      rng: ctx.rng,
      maxBufferedBytes: opts.maxBufferedBytes,
      legacy: () => ({ legacyText: this._caps?.legacyText === true, firstLed: this._caps?.leds[0]?.name }),
      path: () => ctx.store.config.websocket?.path ?? DEFAULT_WS_PATH,
    });
    const log = ctx.uart.log.bind(ctx.uart);
    this.ws.on('connected', (slot, remote) =>
      log('I', 'ws.cpp:41', `onEvent(): client ${slot} connected from ${remote}`),
    );
    this.ws.on('auth-failed', (slot, address, holdMs) =>
      log(
        'W',
        'ws.cpp:58',
        `auth: wrong token from ${address} (client ${slot})${holdMs > 0 ? `, refusal held ${holdMs} ms` : ''}`,
      ),
    );
    this.ws.on('disconnected', (slot, reason) =>
      log('I', 'ws.cpp:47', `onEvent(): client ${slot} disconnected: ${reason}`),
    );
    this.console = new BackendConsole(ctx, this);
  }

  // ----- DutApp ---------------------------------------------------------------------------------------------------

  listen(): Promise<void> {
    return this.ws.listen();
  }
  get url(): string {
    return this.ws.url;
  }
  get port(): number {
    return this.ws.port;
  }
  get host(): string {
    return this.ws.host;
  }
  get clientCount(): number {
    return this.ws.clientCount;
  }
  get wifiConnected(): boolean {
    return this.wifiUp;
  }
  get ip(): string | null {
    return this.wifiUp ? boardIp(this.ws.host) : null;
  }
  get caps(): Capabilities | null {
    return this._caps;
  }
  get jobsRun(): number {
    return this.loop.jobsRun;
  }
  get hung(): boolean {
    return this.ws.isHung;
  }
  get deviceIdentity(): DeviceIdentity {
    return this.identity;
  }
  setHung(hung: boolean): void {
    this.ws.setHung(hung);
  }

  async boot(b: AppBoot): Promise<AppBooted> {
    const { gen, reason } = b;
    this.identity = { ...b.identity };
    this.console.reset();
    const config = this.ctx.store.config;
    const backend = this.factory();
    const started = await this.enqueue(() => backend.start(config, { ...this.identity }), true);
    if (gen !== this.ctx.gen) {
      await backend.close().catch(() => {});
      throw new SimError('not_running', 'the DUT was reset during boot');
    }
    this.backend = backend;
    backend.onExit?.((exit) => this.ctx.crashed(gen, exit));
    this._caps = started.caps;
    this.applyEffects(started.effects);
    this.ctx.pins.watchButtons(config, (button, pressed) => this.onButton(gen, button, pressed));
    this.console.bootLines(reason);
    await this.console.connectWifi(gen);
    if (gen !== this.ctx.gen) throw new SimError('not_running', 'the DUT was reset during boot');
    this.console.printReady();
    return {
      identity: { ...this.identity },
      caps: started.caps,
      ip: this.ip,
      url: this.wifiUp ? this.url : null,
    };
  }

  serial(data: Uint8Array): void {
    this.console.receive(data);
  }

  closeAll(): Promise<void> {
    this.ctx.uart.log('I', 'main.cpp:77', 'restart(): rebooting');
    // PROTOCOL.md 5.1: the firmware calls the library's disconnect() (close 1000, no reason) before ESP.restart()
    // (shared/reference/arduinowebsockets-facts.md §6, W.cpp:71-78).
    return this.ws.closeAll(CloseCode.normal, '');
  }

  drop(): void {
    this.ws.dropAll();
    this.wifiUp = false;
    this.ctx.pins.unwatchButtons();
    this.releasePins();
    const b = this.backend;
    this.backend = null;
    if (b) void this.enqueue(() => b.close(), true);
  }

  async close(): Promise<void> {
    this.ctx.pins.unwatchButtons();
    await this.ws.close();
    const b = this.backend;
    this.backend = null;
    await this.loop.idle();
    await b?.close().catch(() => {});
  }

  private releasePins(): void {
    if (!this._caps) return;
    this.ctx.pins.release([...this._caps.leds.map((l) => l.pin), ...this._caps.pwm.map((p) => p.pin)]);
  }

  // ----- Device loop ----------------------------------------------------------------------------------------------

  /**
   * Device work, one job at a time (../device-loop.ts). `source` is the connection a job belongs to (`ws:<slot>`)
   * or `device` for the board's own work (serial, inputs, boot), so sources take turns.
   */
  enqueue<T>(fn: () => Promise<T> | T, ignoreGen = false, source = DEVICE_SOURCE): Promise<T> {
    const gen = this.ctx.gen;
    return this.loop.run(source, () => {
      if (!ignoreGen && gen !== this.ctx.gen) throw new SimError('not_running', 'the DUT was reset');
      return fn();
    });
  }

  requireBackend(): DeviceBackend {
    if (!this.backend || !this._caps) throw new SimError('not_running', 'the DUT app is not running');
    return this.backend;
  }

  stepContext(from: Origin): StepContext {
    return {
      from,
      nowMs: Date.now(),
      uptimeMs: this.ctx.uptime(),
      identity: { ...this.identity },
      clients: this.ws.clientCount,
      ip: this.ip,
      rssi: this.wifiUp ? (this.wifiNetwork?.rssi ?? -60) : null,
      heapFree: 210_000 - this.ws.clientCount * 3_000,
    };
  }

  // ----- WebSocket side -------------------------------------------------------------------------------------------

  private async hello(_slot: number): Promise<Omit<HelloMessage, 'seq'>> {
    const backend = this.requireBackend();
    const state = await backend.snapshot();
    return {
      t: 'hello',
      proto: PROTOCOL_VERSION,
      fw: this.identity.fw,
      board: this.identity.board,
      device: this.identity.device,
      boot: this.identity.boot,
      // The booted image's identity, as the boot line and the firmware's hello carry it (PROTOCOL.md 4.1 `app`).
      ...(this.identity.app ? { app: { ...this.identity.app } } : {}),
      caps: this._caps!,
      state,
    };
  }

  private async onWsFrame(slot: number, text: string): Promise<void> {
    const backend = this.requireBackend();
    const from: Origin = { kind: 'ws', client: slot };
    const out = await backend.handleFrame(text, from, this.stepContext(from));
    this.ws.corked(slot, () => {
      if (out.reply !== null) {
        this.ws.reply(slot, out.reply);
        this.trackSubscription(slot, text, out.reply);
      }
      this.dispatch(out);
    });
  }

  /** Sensor subscriptions are per connection: learnt from the device's ok answers to (un)subscribe. */
  private trackSubscription(slot: number, request: string, reply: string): void {
    if (!request.includes('sensor.')) return;
    try {
      const req = JSON.parse(request) as { op?: unknown };
      const res = JSON.parse(reply) as { ok?: unknown; result?: { sensor?: unknown; hz?: unknown } };
      if (res.ok !== true || !res.result || typeof res.result.sensor !== 'string') return;
      if (req.op === 'sensor.subscribe' && typeof res.result.hz === 'number') {
        this.ws.setSubscription(slot, res.result.sensor, res.result.hz);
      } else if (req.op === 'sensor.unsubscribe') {
        this.ws.setSubscription(slot, res.result.sensor, null);
      }
    } catch {
      // Not JSON (legacy text): nothing to track.
    }
  }

  private async onSensorTick(slot: number, sensor: string): Promise<void> {
    const backend = this.requireBackend();
    const cap = this._caps?.sensors.find((s) => s.name === sensor);
    if (!cap) return;
    const raw = this.ctx.pins.readAdc(cap.pin);
    const out = await backend.handleInput(
      { kind: 'sensor-sample', sensor, raw },
      this.stepContext({ kind: 'serial' }),
    );
    const mine = out.events.find((e) => e.ev === 'sensor' && e.sensor === sensor);
    if (mine) {
      this.ws.sendEvent(slot, mine);
    } else {
      const snap = await backend.snapshot();
      const s = snap.sensors[sensor];
      if (s) this.ws.sendEvent(slot, { t: 'evt', ev: 'sensor', sensor, raw: s.raw, value: s.value });
    }
    this.dispatch({ ...out, events: out.events.filter((e) => e.ev !== 'sensor') });
  }

  /** A sensor timer fired: one sample job per (connection, sensor) at a time, however slow the loop is. */
  private onSensorDue(slot: number, sensor: string): void {
    const key = `${slot}:${sensor}`;
    if (this.sensorDue.has(key)) return;
    this.sensorDue.add(key);
    void this.enqueue(
      () => {
        this.sensorDue.delete(key);
        return this.onSensorTick(slot, sensor);
      },
      false,
      wsSource(slot),
    ).catch(() => this.sensorDue.delete(key));
  }

  private async onWsDisconnected(slot: number): Promise<void> {
    // What the connection still had queued is never run (and its answer would reach the next client in the slot).
    this.loop.cancel(wsSource(slot), new SimError('not_running', `client ${slot} disconnected`));
    if (!this.backend) return;
    await this.enqueue(async () => {
      const b = this.backend;
      if (!b) return;
      const out = await b.handleInput(
        { kind: 'client-disconnected', client: slot },
        this.stepContext({ kind: 'serial' }),
      );
      this.dispatch(out);
    }).catch(() => {});
  }

  private onButton(gen: number, button: string, pressed: boolean): void {
    if (gen !== this.ctx.gen || !this.backend) return;
    const input: Input = { kind: 'button', button, pressed };
    void this.enqueue(async () => {
      const b = this.requireBackend();
      this.dispatch(await b.handleInput(input, this.stepContext({ kind: 'serial' })));
    }).catch(() => {});
  }

  /** Broadcast events (WebSocket and serial) and apply effects. */
  dispatch(out: BackendOutput): void {
    for (const ev of out.events) {
      if (ev.ev === 'sensor') continue;
      // One serialisation for every client and the serial console: the machine line is the same JSON, numbered by
      // the console's own sequence.
      const body = eventBody(ev);
      this.ws.broadcastEvent(ev, body);
      this.ctx.uart.println(`${SERIAL_MACHINE_PREFIX}${body.head}${this.console.nextSeq()}${body.tail}`);
    }
    this.applyEffects(out.effects);
  }

  private applyEffects(effects: readonly Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'led-output':
          this.ctx.pins.digital(e.pin, e.level);
          break;
        case 'pwm-output':
          this.ctx.pins.pwm(e.pin, e.freq, e.fraction);
          break;
        case 'store-config':
          this.ctx.store.storeConfig(e.config as unknown as DeviceConfig);
          this.ctx.uart.log('I', 'config.cpp:60', 'store(): configuration saved; applies at next boot');
          break;
        case 'reboot': {
          const gen = this.ctx.gen;
          this.ctx.later(e.afterMs, () => this.ctx.restart(gen));
          break;
        }
      }
    }
  }
}
