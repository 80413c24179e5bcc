/**
 * The virtual ESP32 (DUT): one chip with a UART console, a WebSocket server on simulated WiFi, pins on the
 * virtual wiring and the dev board's auto-reset circuit. Device logic is a DeviceBackend; this class owns
 * what firmware gets from the hardware and the core: boot/reset lifecycle, time, the serialised device loop,
 * transports and fault injection.
 */
import { EventEmitter } from 'node:events';
import {
  type ButtonConfig,
  type DeviceConfig,
  type DeviceIdentity,
  type Effect,
  formatDiagnostic,
  type Input,
  type Origin,
  type StepContext,
  validateConfig,
} from '@esphil/device-model';
import {
  type Capabilities,
  CloseCode,
  DEFAULT_MAX_CLIENTS,
  DEFAULT_WS_PATH,
  decodeRequest,
  type HelloMessage,
  type ImprovDecodeResult,
  PROTOCOL_VERSION,
  SERIAL_MACHINE_PREFIX,
  type SerialMachineLine,
} from '@esphil/protocol';
import { SimError } from '../errors';
import { compileFaults, type FaultPlan, faultedPwmFraction, parseFaults } from '../faults/index';
import type { Fault } from '../faults/types';
import {
  createLatencyModel,
  DEFAULT_LATENCY_PROFILE,
  type LatencyModel,
  type LatencyProfileName,
} from '../latency';
import { createRng, DEFAULT_SEED, type Rng } from '../rng';
import { ROM_BAUD } from '../rom';
import type { BackendExit, BackendOutput, DeviceBackend, DeviceBackendFactory } from './backend';
import {
  appLog,
  type BootMode,
  garbageBytes,
  panicLines,
  type ResetKind,
  resetNoise,
  romBanner,
} from './console-text';
import { DeviceLoop } from './device-loop';
import { improvError, improvResult, improvState } from './improv-device';
import { type DutPinBus, type Level, PinBank } from './pins';
import { type ControlLines, EN_RELEASE_MS, strapLevels } from './reset-circuit';
import { SerialInput, type SerialInputItem } from './serial-input';
import { SimFlash, type SimFlashOptions } from './sim-flash';
import { DEFAULT_WIFI_NETWORK, joinWifi, type WifiCredentials, type WifiNetwork } from './wifi-env';
import { DEFAULT_HEARTBEAT, eventBody, type HeartbeatOptions, WsServer } from './ws-server';

export const DEFAULT_FW_VERSION = '0.1.0';
/** ESP32 ADC: 12 bits over the 0..3.3 V range (11 dB attenuation, linearised). */
export const ADC_BITS = 12;
export const ADC_FULL_SCALE_VOLTS = 3.3;
/** reboot-loop: how long the app runs before it panics. */
export const REBOOT_LOOP_MS = 300;
export const DEFAULT_DEBOUNCE_MS = 30;
/** Probability per console line that serial-garbage inserts noise. */
export const SERIAL_GARBAGE_RATE = 0.3;
/** At most this many stderr lines of a dead native backend are printed (each cut to 200 characters). */
export const CRASH_STDERR_LINES = 20;
/** Device-loop source of the board's own work (serial, inputs, boot); connections are `ws:<slot>`. */
const DEVICE_SOURCE = 'device';
const wsSource = (slot: number): string => `ws:${slot}`;

function serialInternalError(text: string): SerialMachineLine {
  const d = decodeRequest(text);
  const id = d.ok ? d.value.id : d.error.id;
  return { t: 'res', id, ok: false, error: { code: 'internal', msg: 'device failed to handle the line' } };
}

/** `halted`: the bootloader refused the flashed image (flash model only); the app never starts. */
export type DutPhase = 'off' | 'reset' | 'booting' | 'running' | 'download' | 'halted';
/** Where start()/reset()/reboot() stop waiting. */
const SETTLED_PHASES: DutPhase[] = ['running', 'download', 'halted'];

export interface VirtualEsp32Options {
  config: DeviceConfig;
  backend: DeviceBackendFactory;
  pins?: DutPinBus;
  latency?: LatencyProfileName;
  faults?: readonly (string | Fault)[];
  host?: string;
  /** 0 = ephemeral. The port stays the same across reboots. */
  port?: number;
  /** Overrides config.websocket.authToken. */
  token?: string;
  seed?: number;
  /** Networks in range. Default: one, DEFAULT_WIFI_NETWORK. */
  networks?: WifiNetwork[];
  /** Stored WiFi credentials at power-on; null = unprovisioned. Default: the first network's. */
  credentials?: WifiCredentials | null;
  fw?: string;
  /** Overrides config.websocket.heartbeat. */
  heartbeat?: HeartbeatOptions | false;
  /** Model the flash chip and the ROM loader (./sim-flash.ts): download mode flashes, boots check the image. */
  flash?: SimFlashOptions;
  /** Unsent bytes per WebSocket connection before frames are dropped. Default DEFAULT_MAX_BUFFERED_BYTES. */
  maxBufferedBytes?: number;
  /**
   * Clients at once, past what a firmware build allows: sizes the library's slot table and the device's limit
   * together (benchmarks with many clients). Default: WEBSOCKETS_SERVER_CLIENT_MAX (5, or the client-limit fault)
   * slots and the config's websocket.maxClients as the device's limit.
   */
  maxClients?: number;
}

export interface DutEvents {
  /** Bytes the DUT puts on its UART TX (towards the host). */
  serial: [data: Uint8Array];
  phase: [phase: DutPhase];
  /** The app reached `ready` (after WiFi connected or failed). */
  ready: [info: { boot: string; ip: string | null; url: string | null }];
  /** ROM started (every reset, including into download mode). */
  reset: [info: { reason: ResetKind; mode: BootMode }];
  /** The device backend cannot run on this host (not a firmware fault); start() rejects with it. */
  'host-error': [err: SimError];
  /** The UART's baud rate changed (ROM reset to 115200, CHANGE_BAUDRATE); only with the flash model. */
  baud: [baud: number];
}

interface ButtonWatch {
  cfg: ButtonConfig;
  stable: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

export class VirtualEsp32 extends EventEmitter<DutEvents> {
  readonly pins: DutPinBus;
  readonly faults: FaultPlan;
  readonly latency: LatencyModel;
  private readonly opts: VirtualEsp32Options;
  private readonly rng: Rng;
  private readonly ws: WsServer;
  private storedConfig: DeviceConfig;
  private credentials: WifiCredentials | null;
  private readonly networks: WifiNetwork[];
  private _phase: DutPhase = 'off';
  private gen = 0;
  private backend: DeviceBackend | null = null;
  private caps: Capabilities | null = null;
  private identity: DeviceIdentity;
  private bootedAt = 0;
  private readonly loop = new DeviceLoop();
  /** Sensor samples queued, `slot:sensor`. */
  private readonly sensorDue = new Set<string>();
  private wifiUp = false;
  private wifiNetwork: WifiNetwork | null = null;
  private serialSeq = 0;
  private readonly serialIn = new SerialInput();
  private lines: ControlLines = { dtr: false, rts: false };
  private readonly buttons = new Map<number, ButtonWatch>();
  private readonly frozenAdc = new Map<number, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private rebootAfterDone = false;
  private unwatchInputs: (() => void) | null = null;
  private closed = false;
  private bootCount = 0;
  /** Flash chip + ROM loader; null = the device model boots without an image. */
  readonly flash: SimFlash | null;

  constructor(opts: VirtualEsp32Options) {
    super();
    this.opts = opts;
    this.rng = createRng(opts.seed ?? DEFAULT_SEED);
    this.latency = createLatencyModel(opts.latency ?? DEFAULT_LATENCY_PROFILE, this.rng);
    this.faults = compileFaults(parseFaults(opts.faults ?? []));
    this.pins = opts.pins ?? new PinBank();
    this.networks = opts.networks ?? [{ ...DEFAULT_WIFI_NETWORK }];
    const first = this.networks[0];
    this.credentials =
      opts.credentials !== undefined
        ? opts.credentials
        : first
          ? { ssid: first.ssid, password: first.password }
          : null;
    this.storedConfig = this.withToken(opts.config);
    this.flash = opts.flash ? new SimFlash(opts.config.board, opts.flash) : null;
    if (this.faults.appCorrupt && !this.flash) {
      throw new SimError('bad_option', 'fault app-corrupt needs the modelled flash (SimBenchOptions.flash)');
    }
    const wsc = this.storedConfig.websocket ?? {};
    this.identity = { fw: opts.fw ?? DEFAULT_FW_VERSION, board: opts.config.board, device: '', boot: '' };
    this.identity.device = `${opts.config.name ?? 'esphil'}-${this.rng.hex(6)}`;
    this.ws = new WsServer({
      handler: {
        accepting: () => this._phase === 'running' && this.wifiUp,
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
      maxClients: opts.maxClients ?? this.faults.clientLimit ?? DEFAULT_MAX_CLIENTS,
      deviceMaxClients: () =>
        opts.maxClients ?? this.storedConfig.websocket?.maxClients ?? DEFAULT_MAX_CLIENTS,
      heartbeat: opts.heartbeat !== undefined ? opts.heartbeat : (wsc.heartbeat ?? DEFAULT_HEARTBEAT),
      authToken: wsc.authToken,
      authDeadlineMs: wsc.authDeadlineMs,
      allowedOrigins: wsc.allowedOrigins,
      delay: () => this.latency.oneWay(),
      replyDelay: () => this.latency.rtt(),
      faults: this.faults,
      rng: this.rng,
      maxBufferedBytes: opts.maxBufferedBytes,
      legacy: () => ({ legacyText: this.caps?.legacyText === true, firstLed: this.caps?.leds[0]?.name }),
      path: () => this.storedConfig.websocket?.path ?? DEFAULT_WS_PATH,
    });
    this.ws.on('connected', (slot, remote) =>
      this.log('I', 'ws.cpp:41', `onEvent(): client ${slot} connected from ${remote}`),
    );
    this.ws.on('auth-failed', (slot, address, holdMs) =>
      this.log(
        'W',
        'ws.cpp:58',
        `auth: wrong token from ${address} (client ${slot})${holdMs > 0 ? `, refusal held ${holdMs} ms` : ''}`,
      ),
    );
    this.ws.on('disconnected', (slot, reason) =>
      this.log('I', 'ws.cpp:47', `onEvent(): client ${slot} disconnected: ${reason}`),
    );
  }

  private withToken(config: DeviceConfig): DeviceConfig {
    if (this.opts.token === undefined) return config;
    return { ...config, websocket: { ...config.websocket, authToken: this.opts.token } };
  }

  // ------------------------------------------------------------------------------------------------------------
  // Public surface
  // ------------------------------------------------------------------------------------------------------------

  get phase(): DutPhase {
    return this._phase;
  }
  get bootId(): string {
    return this.identity.boot;
  }
  get deviceId(): string {
    return this.identity.device;
  }
  /** The WebSocket URL (stable across reboots); null until started. */
  get url(): string {
    return this.ws.url;
  }
  get port(): number {
    return this.ws.port;
  }
  get ip(): string | null {
    if (!this.wifiUp) return null;
    const h = this.ws.host;
    return h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h;
  }
  get clientCount(): number {
    return this.ws.clientCount;
  }
  /** Frames legacy-mode connections sent that the board ignored (PROTOCOL.md 9). */
  get ignoredLegacyFrames(): number {
    return this.ws.ignoredLegacyFrames;
  }
  get capabilities(): Capabilities | null {
    return this.caps;
  }
  /** The configuration the DUT boots with (changed by `config.set`). */
  get config(): DeviceConfig {
    return this.storedConfig;
  }
  get wifiConnected(): boolean {
    return this.wifiUp;
  }
  get controlLines(): ControlLines {
    return { ...this.lines };
  }
  /** Completed app boots since power-on. */
  get boots(): number {
    return this.bootCount;
  }
  /** The WebSocket transport (for tests and tools that inspect client slots). */
  get server(): WsServer {
    return this.ws;
  }

  /** Power on: the WebSocket port starts listening, the chip boots. Resolves once the app is ready. */
  async start(): Promise<void> {
    if (this.closed) throw new SimError('closed', 'this VirtualEsp32 was closed; create a new one');
    const { config, diagnostics } = validateConfig(this.storedConfig);
    if (!config) {
      const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      throw new SimError('bad_config', `the DUT cannot boot this device config:\n  ${errors.join('\n  ')}`);
    }
    await this.ws.listen();
    this.unwatchInputs = this.pins.onInputChange((pin) => this.onInputChange(pin));
    const ready = this.nextPhase(SETTLED_PHASES);
    let onHostError: ((err: SimError) => void) | undefined;
    const hostError = new Promise<never>((_, reject) => {
      onHostError = reject;
      this.once('host-error', reject);
    });
    this.powerOn('poweron', 'flash');
    try {
      await Promise.race([ready, hostError]);
    } finally {
      if (onHostError) this.off('host-error', onHostError);
    }
  }

  /** Resolves at the next entry into one of `phases` (or now, if already there). */
  waitForPhase(phases: DutPhase | DutPhase[]): Promise<DutPhase> {
    const list = Array.isArray(phases) ? phases : [phases];
    if (list.includes(this._phase)) return Promise.resolve(this._phase);
    return this.nextPhase(list);
  }

  private nextPhase(list: DutPhase[]): Promise<DutPhase> {
    return new Promise((resolve) => {
      const on = (p: DutPhase): void => {
        if (!list.includes(p)) return;
        this.off('phase', on);
        resolve(p);
      };
      this.on('phase', on);
    });
  }

  /** Press the EN button: reset and boot normally. Resolves when the app is ready again. */
  async reset(): Promise<void> {
    const ready = this.nextPhase(SETTLED_PHASES);
    this.holdInReset();
    this.powerOn('poweron', 'flash');
    await ready;
  }

  /** esp_restart() from the app: clients get a 1000 close first. Resolves when the app is ready again. */
  async reboot(): Promise<void> {
    const ready = this.nextPhase(SETTLED_PHASES);
    await this.softRestart(this.gen);
    await ready;
  }

  /** The firmware's restart path: disconnect() (close 1000) every client, then esp_restart(). */
  private async softRestart(gen: number): Promise<void> {
    if (gen !== this.gen || this.closed) return;
    this.log('I', 'main.cpp:77', 'restart(): rebooting');
    // PROTOCOL.md 5.1: the firmware calls the library's disconnect() (close 1000, no reason) before ESP.restart()
    // (shared/reference/arduinowebsockets-facts.md §6, W.cpp:71-78).
    await this.ws.closeAll(CloseCode.normal, '');
    if (gen !== this.gen || this.closed) return;
    this.holdInReset();
    this.powerOn('sw', 'flash');
  }

  /**
   * Freeze (true) or resume the app's loop: no WebSocket replies, pongs or events and no serial requests while
   * hung; TCP connections stay up (only a heartbeat notices).
   */
  setHung(hung: boolean): void {
    this.ws.setHung(hung);
  }

  /**
   * Host -> DUT bytes on UART0 RX: in download mode with the flash model, to the ROM loader; otherwise to the app
   * (ignored unless it runs).
   */
  serialWrite(data: Uint8Array): void {
    if (this.closed) return;
    if (this._phase === 'download' && this.flash?.feed(data)) return;
    let items: SerialInputItem[];
    try {
      items = this.serialIn.push(data);
    } catch {
      return;
    }
    // A hung app loop reads nothing; what arrived meanwhile is lost with the UART FIFO.
    if (this._phase !== 'running' || this.ws.isHung) return;
    for (const item of items) {
      const gen = this.gen;
      if (item.kind === 'line') {
        // PROTOCOL.md 11.2: requests carry the machine prefix; any other line is not for the device.
        const at = item.text.indexOf(SERIAL_MACHINE_PREFIX);
        if (at < 0) continue;
        const text = item.text.slice(at + SERIAL_MACHINE_PREFIX.length);
        void this.enqueue(() => this.onSerialLine(text, gen)).catch(() => {
          // The device logic failed (a dead backend reboots the board on its own): the line gets `internal`.
          if (gen === this.gen) this.machine(serialInternalError(text));
        });
      } else if (item.kind === 'overlong') {
        this.machine({
          t: 'res',
          id: null,
          ok: false,
          error: { code: 'too_large', msg: `serial line of ${item.bytes}+ bytes dropped` },
        });
      } else {
        void this.enqueue(() => this.onImprov(item.result, gen)).catch(() => {});
      }
    }
  }

  /** DTR/RTS from the host (serialport `set`). Drives EN and GPIO0 through the auto-reset circuit. */
  setControlLines(lines: ControlLines): void {
    if (this.closed) return;
    const before = strapLevels(this.lines);
    this.lines = { dtr: !!lines.dtr, rts: !!lines.rts };
    const after = strapLevels(this.lines);
    if (this._phase === 'off') return;
    if (before.en && !after.en) this.holdInReset();
    else if (!before.en && after.en) this.later(EN_RELEASE_MS, () => this.leaveReset());
  }

  /** EN has been high for EN_RELEASE_MS (holdInReset cancels the timer): boot, in the mode GPIO0 says now. */
  private leaveReset(): void {
    const now = strapLevels(this.lines);
    if (now.en) this.powerOn('poweron', now.gpio0 ? 'flash' : 'download');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.gen++;
    this.clearTimers();
    this.unwatchInputs?.();
    await this.ws.close();
    const b = this.backend;
    this.backend = null;
    await this.loop.idle();
    await b?.close().catch(() => {});
    this.setPhase('off');
  }

  // ------------------------------------------------------------------------------------------------------------
  // Lifecycle
  // ------------------------------------------------------------------------------------------------------------

  private setPhase(p: DutPhase): void {
    if (this._phase === p) return;
    this._phase = p;
    this.emit('phase', p);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const b of this.buttons.values()) if (b.timer) clearTimeout(b.timer);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private sleep(ms: number, gen: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(gen === this.gen);
    return new Promise((resolve) => this.later(ms, () => resolve(gen === this.gen)));
  }

  /** EN low: the chip stops, pins float, every TCP connection is gone. */
  private holdInReset(): void {
    this.gen++;
    this.clearTimers();
    this.ws.dropAll();
    this.wifiUp = false;
    this.releasePins();
    const b = this.backend;
    this.backend = null;
    if (b) void this.enqueue(() => b.close(), true);
    this.setPhase('reset');
  }

  private releasePins(): void {
    if (!this.caps) return;
    for (const l of this.caps.leds) this.pins.driveDigital(l.pin, null);
    for (const p of this.caps.pwm) this.pins.driveDigital(p.pin, null);
  }

  private powerOn(reason: ResetKind, mode: BootMode): void {
    if (this.closed) return;
    const gen = ++this.gen;
    this.setPhase('booting');
    void this.boot(gen, reason, mode).catch((err: unknown) => {
      if (gen !== this.gen) return;
      // A backend that cannot run at all (e.g. the native executable is missing) is the host's problem, not a
      // firmware panic: report it instead of modelling a boot loop that would hide the cause.
      if (err instanceof SimError && err.code === 'bad_option') {
        this.emit('host-error', err);
        return;
      }
      this.println(appLog(this.uptime(), 'E', 'main.cpp:12', `setup(): ${String(err)}`));
      // abort() in setup(): the board resets after the panic handler, never in a tight loop.
      this.later(REBOOT_LOOP_MS, () => this.panic(gen));
    });
  }

  private uptime(): number {
    return this.bootedAt === 0 ? 0 : Date.now() - this.bootedAt;
  }

  private async boot(gen: number, reason: ResetKind, mode: BootMode): Promise<void> {
    this.bootedAt = Date.now();
    this.serialSeq = 0;
    this.emitSerial(resetNoise(this.rng));
    for (const l of romBanner(reason, mode)) this.println(l);
    this.emit('reset', { reason, mode });
    if (mode === 'download') {
      this.flash?.enterDownload({
        send: (bytes) => this.emitSerial(bytes),
        setBaud: (baud) => this.emit('baud', baud),
        runUserCode: () => this.powerOn('sw', 'flash'),
      });
      this.setPhase('download');
      return;
    }
    if (this.flash && !this.bootImage()) {
      this.setPhase('halted');
      return;
    }
    if (!(await this.sleep(this.latency.profile.bootMs, gen))) return;

    this.identity = { ...this.identity, boot: this.rng.hex(8) };
    const config = this.storedConfig;
    const backend = this.opts.backend();
    const started = await this.enqueue(() => backend.start(config, { ...this.identity }), true);
    if (gen !== this.gen) {
      await backend.close().catch(() => {});
      return;
    }
    this.backend = backend;
    backend.onExit?.((exit) => this.backendDied(gen, exit));
    this.caps = started.caps;
    this.applyEffects(started.effects);
    this.setupInputs(config);
    this.log('I', 'main.cpp:31', `setup(): esphil ${this.identity.fw} on ${this.identity.board}`);
    this.machine({
      t: 'boot',
      fw: this.identity.fw,
      board: this.identity.board,
      device: this.identity.device,
      boot: this.identity.boot,
      ...(this.identity.app ? { app: this.identity.app } : {}),
      reason,
    });

    await this.connectWifi(gen);
    if (gen !== this.gen) return;
    this.bootCount++;
    this.printReady();
    this.setPhase('running');
    this.emit('ready', { boot: this.identity.boot, ip: this.ip, url: this.wifiUp ? this.url : null });
    this.armFaultTimers(gen);
  }

  /** The bootloader's checks on the flashed image; a bad one prints its errors and the app never starts. */
  private bootImage(): boolean {
    this.emit('baud', ROM_BAUD);
    const result = (this.flash as SimFlash).boot({ readFault: this.faults.appCorrupt });
    for (const line of result.lines) this.println(line);
    if (result.ok) {
      const { projectName: project, version, elfSha256 } = result.app;
      this.identity = { ...this.identity, fw: version, app: { project, version, elfSha256 } };
    }
    return result.ok;
  }

  private async connectWifi(gen: number): Promise<void> {
    const wifiEnabled = this.storedConfig.wifi !== false;
    if (!wifiEnabled) return;
    const creds = this.credentials;
    if (!creds) {
      this.machine({ t: 'wifi', status: 'unprovisioned' });
      this.log('W', 'wifi.cpp:20', 'connect(): no stored credentials; provision over Improv serial');
      return;
    }
    this.machine({ t: 'wifi', status: 'connecting', ssid: creds.ssid });
    if (!(await this.sleep(this.latency.profile.wifiJoinMs, gen))) return;
    const joined = this.faults.wifiDown ? null : joinWifi({ networks: this.networks }, creds);
    if (joined?.ok) {
      this.wifiUp = true;
      this.wifiNetwork = joined.network;
      this.machine({ t: 'wifi', status: 'connected', ssid: creds.ssid, ip: this.ip ?? '' });
    } else {
      this.wifiUp = false;
      this.wifiNetwork = null;
      const why = joined ? joined.reason : 'no-network';
      this.log('E', 'wifi.cpp:44', `connect(): ${creds.ssid}: ${why}`);
      this.machine({ t: 'wifi', status: 'failed', ssid: creds.ssid });
    }
  }

  private printReady(): void {
    const path = this.storedConfig.websocket?.path ?? DEFAULT_WS_PATH;
    this.machine({
      t: 'ready',
      ip: this.ip,
      port: this.ws.port,
      path,
      url: this.wifiUp ? this.url : null,
      proto: PROTOCOL_VERSION,
    });
  }

  private armFaultTimers(gen: number): void {
    const after = this.faults.rebootAfterMs;
    if (after !== null && !this.rebootAfterDone) {
      this.rebootAfterDone = true;
      this.later(after, () => {
        if (gen !== this.gen) return;
        this.log('W', 'main.cpp:90', 'loop(): restarting (reboot-after fault)');
        void this.softRestart(gen);
      });
    }
    if (this.faults.rebootLoop) {
      this.later(REBOOT_LOOP_MS, () => {
        if (gen === this.gen) this.panic(gen);
      });
    }
  }

  /**
   * The device logic died by itself (the native process exited or was killed): a firmware crash. The cause goes to
   * the console (bounded), then the board panics and reboots with a fresh backend, instead of answering `internal`
   * for ever.
   */
  private backendDied(gen: number, exit: BackendExit): void {
    if (gen !== this.gen || this.closed) return;
    this.log('E', 'main.cpp:1', `device core ${exit.reason}`);
    const tail = exit.stderrTail.split('\n').slice(-CRASH_STDERR_LINES);
    for (const line of tail) if (line.trim() !== '') this.println(`stderr: ${line.slice(0, 200)}`);
    this.panic(gen);
  }

  private panic(gen: number): void {
    if (gen !== this.gen) return;
    for (const l of panicLines()) this.println(l);
    this.holdInReset();
    this.powerOn('panic', 'flash');
  }

  /**
   * Device work, one job at a time (./device-loop.ts). `source` is the connection a job belongs to
   * (`ws:<slot>`) or `device` for the board's own work (serial, inputs, boot), so sources take turns.
   */
  private enqueue<T>(fn: () => Promise<T> | T, ignoreGen = false, source = DEVICE_SOURCE): Promise<T> {
    const gen = this.gen;
    return this.loop.run(source, () => {
      if (!ignoreGen && gen !== this.gen) throw new SimError('not_running', 'the DUT was reset');
      return fn();
    });
  }

  /** Jobs the device loop has started (tests count jobs, not milliseconds). */
  get jobsRun(): number {
    return this.loop.jobsRun;
  }

  private ctx(from: Origin): StepContext {
    return {
      from,
      nowMs: Date.now(),
      uptimeMs: this.uptime(),
      identity: { ...this.identity },
      clients: this.ws.clientCount,
      ip: this.ip,
      rssi: this.wifiUp ? (this.wifiNetwork?.rssi ?? -60) : null,
      heapFree: 210_000 - this.ws.clientCount * 3_000,
    };
  }

  // ------------------------------------------------------------------------------------------------------------
  // WebSocket side
  // ------------------------------------------------------------------------------------------------------------

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
      caps: this.caps!,
      state,
    };
  }

  private requireBackend(): DeviceBackend {
    if (!this.backend || !this.caps) throw new SimError('not_running', 'the DUT app is not running');
    return this.backend;
  }

  private async onWsFrame(slot: number, text: string): Promise<void> {
    const backend = this.requireBackend();
    const out = await backend.handleFrame(
      text,
      { kind: 'ws', client: slot },
      this.ctx({ kind: 'ws', client: slot }),
    );
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
    const cap = this.caps?.sensors.find((s) => s.name === sensor);
    if (!cap) return;
    const raw = this.readAdc(cap.pin);
    const out = await backend.handleInput(
      { kind: 'sensor-sample', sensor, raw },
      this.ctx({ kind: 'serial' }),
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
        this.ctx({ kind: 'serial' }),
      );
      this.dispatch(out);
    }).catch(() => {});
  }

  /** Broadcast events (WebSocket and serial) and apply effects. */
  private dispatch(out: BackendOutput): void {
    for (const ev of out.events) {
      if (ev.ev === 'sensor') continue;
      // One serialisation for every client and the serial console: the machine line is the same JSON,
      // numbered by the console's own sequence.
      const body = eventBody(ev);
      this.ws.broadcastEvent(ev, body);
      this.serialSeq += 1;
      this.println(`${SERIAL_MACHINE_PREFIX}${body.head}${this.serialSeq}${body.tail}`);
    }
    this.applyEffects(out.effects);
  }

  private applyEffects(effects: readonly Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'led-output': {
          const level: Level = this.faults.ledStuck ?? e.level;
          this.pins.driveDigital(e.pin, level);
          break;
        }
        case 'pwm-output':
          this.pins.drivePwm(e.pin, e.freq, faultedPwmFraction(this.faults, e.fraction));
          break;
        case 'store-config':
          this.storedConfig = this.withToken(e.config as unknown as DeviceConfig);
          this.log('I', 'config.cpp:60', 'store(): configuration saved; applies at next boot');
          break;
        case 'reboot': {
          const gen = this.gen;
          this.later(e.afterMs, () => void this.softRestart(gen));
          break;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // Pins
  // ------------------------------------------------------------------------------------------------------------

  private setupInputs(config: DeviceConfig): void {
    this.buttons.clear();
    for (const cfg of config.buttons ?? []) {
      this.buttons.set(cfg.pin, { cfg, stable: false, timer: null });
      this.onInputChange(cfg.pin);
    }
  }

  private buttonPressed(cfg: ButtonConfig): boolean {
    const raw = this.pins.readDigital(cfg.pin);
    const pull = cfg.pull ?? (cfg.pin >= 34 && cfg.pin <= 39 ? 'none' : 'up');
    const level: Level = raw ?? (pull === 'up' ? 1 : 0);
    const activeLow = cfg.activeLow ?? true;
    return activeLow ? level === 0 : level === 1;
  }

  private onInputChange(pin: number): void {
    const watch = this.buttons.get(pin);
    if (!watch || this.faults.buttonDead || !this.backend) return;
    if (watch.timer) clearTimeout(watch.timer);
    const gen = this.gen;
    watch.timer = setTimeout(() => {
      watch.timer = null;
      if (gen !== this.gen || this.faults.buttonDead) return;
      const pressed = this.buttonPressed(watch.cfg);
      if (pressed === watch.stable) return;
      watch.stable = pressed;
      const input: Input = { kind: 'button', button: watch.cfg.name, pressed };
      void this.enqueue(async () => {
        const b = this.requireBackend();
        this.dispatch(await b.handleInput(input, this.ctx({ kind: 'serial' })));
      }).catch(() => {});
    }, watch.cfg.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }

  /** analogRead(): 12-bit counts. */
  readAdc(pin: number): number {
    const frozen = this.frozenAdc.get(pin);
    if (frozen !== undefined) return frozen;
    const max = (1 << ADC_BITS) - 1;
    const v = this.pins.readVolts(pin);
    const raw = Number.isFinite(v)
      ? Math.min(max, Math.max(0, Math.round((v / ADC_FULL_SCALE_VOLTS) * max)))
      : 0;
    if (this.faults.sensorFrozen) this.frozenAdc.set(pin, raw);
    return raw;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Serial console
  // ------------------------------------------------------------------------------------------------------------

  private emitSerial(data: Uint8Array): void {
    if (data.length > 0) this.emit('serial', data);
  }

  private println(line: string): void {
    if (this.faults.serialGarbage && this.rng.next() < SERIAL_GARBAGE_RATE)
      this.emitSerial(garbageBytes(this.rng));
    this.emitSerial(Buffer.from(`${line}\r\n`, 'utf8'));
  }

  private log(level: 'E' | 'W' | 'I' | 'D', where: string, msg: string): void {
    if (this._phase === 'off' || this._phase === 'reset' || this._phase === 'download') return;
    this.println(appLog(this.uptime(), level, where, msg));
  }

  private machine(line: SerialMachineLine | Record<string, unknown>): void {
    this.println(`${SERIAL_MACHINE_PREFIX}${JSON.stringify(line)}`);
  }

  private async onSerialLine(text: string, gen: number): Promise<void> {
    if (gen !== this.gen) return;
    const backend = this.requireBackend();
    const out = await backend.handleFrame(text, { kind: 'serial' }, this.ctx({ kind: 'serial' }));
    if (out.reply !== null) {
      if (out.reply.startsWith('{')) this.println(`${SERIAL_MACHINE_PREFIX}${out.reply}`);
      else this.println(out.reply);
    }
    this.dispatch(out);
  }

  private writeImprov(packet: Uint8Array): void {
    this.emitSerial(packet);
  }

  private async onImprov(result: ImprovDecodeResult, gen: number): Promise<void> {
    if (gen !== this.gen) return;
    // A packet that does not decode, or one a host should not send, is an invalid RPC to the firmware.
    if (!result.ok || result.packet.type !== 'rpc_command') {
      this.writeImprov(improvError('invalid_rpc'));
      return;
    }
    const rpc = result.packet.rpc;
    switch (rpc.command) {
      case 'other':
        this.writeImprov(improvError('unknown_rpc'));
        return;
      case 'get_state':
        this.writeImprov(improvState(this.wifiUp ? 'provisioned' : 'ready'));
        if (this.wifiUp) this.writeImprov(improvResult('get_state', [this.url]));
        return;
      case 'get_info':
        this.writeImprov(
          improvResult('get_info', ['esphil', this.identity.fw, 'ESP32', this.identity.device]),
        );
        return;
      case 'get_networks':
        for (const n of this.networks) {
          this.writeImprov(improvResult('get_networks', [n.ssid, String(n.rssi ?? -60), 'YES']));
        }
        this.writeImprov(improvResult('get_networks', []));
        return;
      case 'wifi_settings': {
        const { ssid, password } = rpc;
        this.writeImprov(improvState('provisioning'));
        this.machine({ t: 'wifi', status: 'connecting', ssid });
        if (!(await this.sleep(this.latency.profile.wifiJoinMs, gen))) return;
        const joined = this.faults.wifiDown
          ? null
          : joinWifi({ networks: this.networks }, { ssid, password });
        if (!joined?.ok) {
          this.log('E', 'improv.cpp:77', `onWifiSettings(): cannot join ${ssid}`);
          this.machine({ t: 'wifi', status: 'failed', ssid });
          this.writeImprov(improvError('unable_to_connect'));
          this.writeImprov(improvState('ready'));
          return;
        }
        this.credentials = { ssid, password };
        this.wifiUp = true;
        this.wifiNetwork = joined.network;
        this.machine({ t: 'wifi', status: 'connected', ssid, ip: this.ip ?? '' });
        this.writeImprov(improvState('provisioned'));
        this.writeImprov(improvResult('wifi_settings', [this.url]));
        this.printReady();
        this.emit('ready', { boot: this.identity.boot, ip: this.ip, url: this.url });
        return;
      }
    }
  }
}
