/**
 * The virtual ESP32 (DUT): one chip with a UART console, a WebSocket server on simulated WiFi, pins on the virtual
 * wiring and the dev board's auto-reset circuit. This is the facade; the board is split along its seams under
 * ./board/: power and boot (power.ts), the UART (uart.ts), pin IO (pin-io.ts) and the app that runs on it (app.ts):
 * - backend mode (`backend`): the sim's own connection code and console in front of a frame-level DeviceBackend
 *   (board/backend-app.ts);
 * - body mode (`body`): the arduinoWebSockets transport in front of a DeviceBody, so the firmware's own connection
 *   code and console answer (board/body-app.ts).
 */
import { EventEmitter } from 'node:events';
import {
  type DeviceConfig,
  type DeviceIdentity,
  formatDiagnostic,
  validateConfig,
} from '@esphil/device-model';
import type { Capabilities } from '@esphil/protocol';
import { SimError } from '../errors';
import { compileFaults, type FaultPlan, parseFaults } from '../faults/index';
import type { Fault } from '../faults/types';
import {
  createLatencyModel,
  DEFAULT_LATENCY_PROFILE,
  type LatencyModel,
  type LatencyProfileName,
} from '../latency';
import { createRng, DEFAULT_SEED } from '../rng';
import type { DeviceBackendFactory } from './backend';
import { type BoardStore, boardIp, type DutApp } from './board/app';
import { BackendApp } from './board/backend-app';
import { BodyApp } from './board/body-app';
import { PinIo } from './board/pin-io';
import { type DutEvents, type DutPhase, Power } from './board/power';
import type { DeviceBodyFactory } from './body/body';
import type { BodyServer } from './body/body-server';
import { type DutPinBus, PinBank } from './pins';
import type { ControlLines } from './reset-circuit';
import { SimFlash, type SimFlashOptions } from './sim-flash';
import { DEFAULT_WIFI_NETWORK, type WifiCredentials, type WifiNetwork } from './wifi-env';
import type { HeartbeatOptions, WsServer } from './ws-server';

export { ADC_BITS, ADC_FULL_SCALE_VOLTS, DEFAULT_DEBOUNCE_MS } from './board/pin-io';
export { CRASH_STDERR_LINES, type DutEvents, type DutPhase, REBOOT_LOOP_MS } from './board/power';
export { SERIAL_GARBAGE_RATE } from './board/uart';

export const DEFAULT_FW_VERSION = '0.1.0';

export interface VirtualEsp32Options {
  config: DeviceConfig;
  /** Backend mode: the sim's connection code and console in front of this device logic. Exclusive with `body`. */
  backend?: DeviceBackendFactory;
  /** Body mode: the firmware's own connection code and console behind the library's transport. */
  body?: DeviceBodyFactory;
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
   * Clients at once, past what a firmware build allows (benchmarks with many clients): sizes the library's slot
   * table, and with a backend the device's limit too (a body keeps its config's websocket.maxClients, at most 16).
   * Default: WEBSOCKETS_SERVER_CLIENT_MAX (5, or the client-limit fault) slots and the config's limit.
   */
  maxClients?: number;
}

export class VirtualEsp32 extends EventEmitter<DutEvents> {
  readonly pins: DutPinBus;
  readonly faults: FaultPlan;
  readonly latency: LatencyModel;
  /** Flash chip + ROM loader; null = the device model boots without an image. */
  readonly flash: SimFlash | null;
  private readonly store: BoardStore;
  private readonly pinIo: PinIo;
  private readonly power: Power;
  private readonly app: DutApp;
  private closedFlag = false;

  constructor(opts: VirtualEsp32Options) {
    super();
    if (opts.backend && opts.body) {
      throw new SimError('bad_option', 'give the VirtualEsp32 either `backend` or `body`, not both');
    }
    const app = opts.body ?? opts.backend;
    if (!app) throw new SimError('bad_option', 'the VirtualEsp32 needs device logic: `backend` or `body`');
    const rng = createRng(opts.seed ?? DEFAULT_SEED);
    this.latency = createLatencyModel(opts.latency ?? DEFAULT_LATENCY_PROFILE, rng);
    this.faults = compileFaults(parseFaults(opts.faults ?? []));
    this.pins = opts.pins ?? new PinBank();
    this.pinIo = new PinIo(this.pins, this.faults);
    this.store = createStore(opts);
    this.flash = opts.flash ? new SimFlash(opts.config.board, opts.flash) : null;
    if (this.faults.appCorrupt && !this.flash) {
      throw new SimError('bad_option', 'fault app-corrupt needs the modelled flash (SimBenchOptions.flash)');
    }
    const identity: DeviceIdentity = {
      fw: opts.fw ?? DEFAULT_FW_VERSION,
      board: opts.config.board,
      device: '',
      boot: '',
    };
    identity.device = `${opts.config.name ?? 'esphil'}-${rng.hex(6)}`;
    const net = {
      host: opts.host,
      port: opts.port,
      heartbeat: opts.heartbeat,
      maxBufferedBytes: opts.maxBufferedBytes,
      maxClients: opts.maxClients,
    };
    this.power = new Power({
      events: this,
      rng,
      faults: this.faults,
      latency: this.latency,
      pins: this.pinIo,
      store: this.store,
      flash: this.flash,
      identity,
      app: (ctx) =>
        opts.body
          ? new BodyApp(ctx, { ...net, body: opts.body })
          : new BackendApp(ctx, { ...net, backend: app as DeviceBackendFactory }),
    });
    this.app = this.power.app;
  }

  // ----- Public surface -------------------------------------------------------------------------------------------

  get phase(): DutPhase {
    return this.power.phase;
  }
  get bootId(): string {
    return this.power.identity.boot;
  }
  get deviceId(): string {
    return this.power.identity.device;
  }
  /** The WebSocket URL (stable across reboots); null until started. */
  get url(): string {
    return this.app.url;
  }
  get port(): number {
    return this.app.port;
  }
  get ip(): string | null {
    return this.app.wifiConnected ? boardIp(this.app.host) : null;
  }
  get clientCount(): number {
    return this.app.clientCount;
  }
  /** Frames legacy-mode connections sent that the board ignored (PROTOCOL.md 9); backend mode counts them. */
  get ignoredLegacyFrames(): number {
    return this.app instanceof BackendApp ? this.app.ws.ignoredLegacyFrames : 0;
  }
  get capabilities(): Capabilities | null {
    return this.app.caps;
  }
  /** The configuration the DUT boots with (changed by `config.set`). */
  get config(): DeviceConfig {
    return this.store.config;
  }
  get wifiConnected(): boolean {
    return this.app.wifiConnected;
  }
  get controlLines(): ControlLines {
    return this.power.controlLines;
  }
  /** Completed app boots since power-on. */
  get boots(): number {
    return this.power.boots;
  }
  /** Body mode: the firmware's own connection code runs (`body`), not the sim's (`backend`). */
  get bodyMode(): boolean {
    return this.app instanceof BodyApp;
  }
  /** The WebSocket server of backend mode (tests and tools that inspect client slots). */
  get server(): WsServer {
    if (this.app instanceof BackendApp) return this.app.ws;
    throw new SimError(
      'bad_option',
      'this DUT runs a device body: its transport is `bodyServer`, not `server`',
    );
  }
  /** The transport glue of body mode (BodyServer, with the arduinoWebSockets transport); null in backend mode. */
  get bodyServer(): BodyServer | null {
    return this.app instanceof BodyApp ? this.app.server : null;
  }
  /** Jobs the device loop has started (backend mode), or body calls made (body mode): tests count jobs. */
  get jobsRun(): number {
    return this.app.jobsRun;
  }

  /** Power on: the WebSocket port starts listening, the chip boots. Resolves once the app is ready. */
  async start(): Promise<void> {
    if (this.closedFlag) {
      throw new SimError('closed', 'this VirtualEsp32 was closed; create a new one');
    }
    const { config, diagnostics } = validateConfig(this.store.config);
    if (!config) {
      const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      throw new SimError('bad_config', `the DUT cannot boot this device config:\n  ${errors.join('\n  ')}`);
    }
    await this.power.start();
  }

  /** Resolves at the next entry into one of `phases` (or now, if already there). */
  waitForPhase(phases: DutPhase | DutPhase[]): Promise<DutPhase> {
    return this.power.waitForPhase(phases);
  }

  /** Press the EN button: reset and boot normally. Resolves when the app is ready again. */
  reset(): Promise<void> {
    return this.power.reset();
  }

  /** esp_restart() from the app: clients get a 1000 close first. Resolves when the app is ready again. */
  reboot(): Promise<void> {
    return this.power.reboot();
  }

  /**
   * Freeze (true) or resume the app's loop: no WebSocket replies, pongs or events and no serial requests while
   * hung; TCP connections stay up (only a heartbeat notices).
   */
  setHung(hung: boolean): void {
    this.app.setHung(hung);
  }

  /**
   * Host -> DUT bytes on UART0 RX: in download mode with the flash model, to the ROM loader; otherwise to the app
   * (ignored unless it runs).
   */
  serialWrite(data: Uint8Array): void {
    this.power.serialWrite(data);
  }

  /** DTR/RTS from the host (serialport `set`). Drives EN and GPIO0 through the auto-reset circuit. */
  setControlLines(lines: ControlLines): void {
    this.power.setControlLines(lines);
  }

  /** analogRead(): 12-bit counts (sensor-frozen holds the first reading). */
  readAdc(pin: number): number {
    return this.pinIo.readAdc(pin);
  }

  async close(): Promise<void> {
    if (this.closedFlag) return;
    this.closedFlag = true;
    await this.power.close();
  }
}

function createStore(opts: VirtualEsp32Options): BoardStore {
  const withToken = (config: DeviceConfig): DeviceConfig =>
    opts.token === undefined
      ? config
      : { ...config, websocket: { ...config.websocket, authToken: opts.token } };
  const networks = opts.networks ?? [{ ...DEFAULT_WIFI_NETWORK }];
  const first = networks[0];
  const store: BoardStore = {
    config: withToken(opts.config),
    credentials:
      opts.credentials !== undefined
        ? opts.credentials
        : first
          ? { ssid: first.ssid, password: first.password }
          : null,
    networks,
    storeConfig(config) {
      store.config = withToken(config);
    },
  };
  return store;
}
