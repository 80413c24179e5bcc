/**
 * What runs on the board: the app (firmware) behind a small interface, and what the board gives it. Two apps:
 * ./backend-app.ts (the sim's own connection code, WsServer, in front of a frame-level DeviceBackend) and
 * ./body-app.ts (the arduinoWebSockets transport in front of a DeviceBody: the firmware's own connection code).
 * The board (../virtual-esp32.ts, ./power.ts) owns power, boot, the UART's noise and the pins' faults.
 */
import type { DeviceConfig, DeviceIdentity } from '@esphil/device-model';
import type { Capabilities } from '@esphil/protocol';
import type { FaultPlan } from '../../faults/index';
import type { LatencyModel } from '../../latency';
import type { Rng } from '../../rng';
import type { BackendExit } from '../backend';
import type { ResetKind } from '../console-text';
import type { WifiCredentials, WifiNetwork } from '../wifi-env';
import type { PinIo } from './pin-io';
import type { Uart } from './uart';

/** What the board keeps across boots (NVS, the radio environment). */
export interface BoardStore {
  /** The configuration the next boot runs (token override applied). */
  config: DeviceConfig;
  /** NVS WiFi credentials; null = unprovisioned. */
  credentials: WifiCredentials | null;
  readonly networks: readonly WifiNetwork[];
  /** Store a config written by the app (the token override is applied again). */
  storeConfig(config: DeviceConfig): void;
}

/** The board's services to the app. `gen` counts boots and resets: work of an older gen is stale. */
export interface BoardContext {
  readonly uart: Uart;
  readonly pins: PinIo;
  readonly faults: FaultPlan;
  readonly latency: LatencyModel;
  readonly rng: Rng;
  readonly store: BoardStore;
  readonly gen: number;
  /** Phase `running` (booted, first loop pass done). */
  running(): boolean;
  uptime(): number;
  /** Resolves after `ms` with whether `gen` is still current (false at once after a reset). */
  sleep(ms: number, gen: number): Promise<boolean>;
  /** A timer the board cancels at reset. */
  later(ms: number, fn: () => void): void;
  /** The firmware's restart path (ESP.restart() after the app's goodbye): the board reboots. */
  restart(gen: number): void;
  /** ESP.restart() after the firmware said its own goodbye (body mode): the board resets into the app. */
  espRestart(gen: number): void;
  /** The device logic died by itself: a firmware crash (console, panic, reboot). */
  crashed(gen: number, exit: BackendExit): void;
  /** The app is ready again (after Improv provisioning joined a network). */
  ready(info: { ip: string | null; url: string | null }): void;
}

export interface AppBoot {
  gen: number;
  reason: ResetKind;
  /** fw, board, device and this boot's id (from the board's rng), and the flashed app when modelled. */
  identity: DeviceIdentity;
}

export interface AppBooted {
  identity: DeviceIdentity;
  caps: Capabilities;
  ip: string | null;
  url: string | null;
}

export interface DutApp {
  /** The WebSocket port starts listening (once, at the first power-on; it stays across reboots). */
  listen(): Promise<void>;
  /** setup() and the first pass of loop(): resolves once the app runs (ready line printed). */
  boot(b: AppBoot): Promise<AppBooted>;
  /** Host bytes on RX outside download mode (the app ignores them unless it runs). */
  serial(data: Uint8Array): void;
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly clientCount: number;
  readonly wifiConnected: boolean;
  readonly caps: Capabilities | null;
  /** Jobs the app's loop has run (tests count jobs, not milliseconds). */
  readonly jobsRun: number;
  readonly hung: boolean;
  setHung(hung: boolean): void;
  /** The firmware's goodbye before a restart: close 1000 to every client, bounded wait for the handshakes. */
  closeAll(): Promise<void>;
  /** EN low: the app stops, every TCP connection dies, pins are the board's to release. */
  drop(): void;
  close(): Promise<void>;
}

/** The address the board gets from DHCP: the listening host, loopback for a wildcard. */
export function boardIp(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}
