/**
 * The device's pure state machine: (state, request) -> (state, response, events, effects).
 * The simulator runs it; the C++ firmware core mirrors it and both are held to the same conformance vectors.
 * No I/O, no clocks: time comes in through the context.
 */
import type {
  AppIdentity,
  Capabilities,
  DeviceStateSnapshot,
  Response,
  TargetName,
  UnsequencedEvent,
} from '@esphil/protocol';
import type { ResolvedConfig } from '../config/types';
import type { LedcAssignment } from '../ledc/allocate';

/**
 * Who sent a request: a WebSocket client slot (0..maxClients-1) or the serial console.
 * `legacy` marks the tutorial's `LED ON`/`LED OFF` text (events then say `by: "legacy:<slot>"`).
 */
export type Origin = { kind: 'ws'; client: number; legacy?: boolean } | { kind: 'serial' };

export interface DeviceIdentity {
  fw: string;
  board: string;
  device: string;
  boot: string;
  /** The booted image's esp_app_desc_t identity, when known (hello's optional `app`). */
  app?: AppIdentity;
}

export interface MachineState {
  /** What a client sees (hello.state / state.get). */
  snapshot: DeviceStateSnapshot;
  caps: Capabilities;
  /** Sensor subscriptions: client slot -> sensor -> hz. Serial has none. */
  subscriptions: Record<number, Record<TargetName, number>>;
  /** Client slots that passed auth (only meaningful when caps.auth). */
  authorized: number[];
  /** The config the device booted with (config.get answers it; config.set only takes effect after reboot). */
  config: ResolvedConfig;
  /** Live LEDC channel/timer assignment (pwm.config re-checks it). */
  ledc: LedcAssignment[];
}

export type Effect =
  | { kind: 'reboot'; afterMs: number }
  | { kind: 'store-config'; config: Record<string, unknown> }
  /** The PWM hardware must be reprogrammed (pin, freq, bits, duty as effective fraction incl. full-on). */
  | {
      kind: 'pwm-output';
      ch: TargetName;
      pin: number;
      freq: number;
      bits: number;
      duty: number;
      fraction: number;
    }
  | { kind: 'led-output'; led: TargetName; pin: number; on: boolean; level: 0 | 1 };

export interface StepContext {
  from: Origin;
  nowMs: number;
  uptimeMs: number;
  identity: DeviceIdentity;
  /** For `info`. */
  clients: number;
  ip: string | null;
  rssi: number | null;
  heapFree: number;
}

export interface StepResult {
  state: MachineState;
  response: Response;
  /** Broadcast to every connected (authorized) client, numbered per connection by the transport. */
  events: UnsequencedEvent[];
  effects: Effect[];
}

/** Why applyInput ignored an input (unknown target, out-of-range sample); state is unchanged then. */
export interface InputError {
  code: 'unknown_target' | 'bad_param';
  message: string;
}

export interface InputResult {
  state: MachineState;
  events: UnsequencedEvent[];
  effects: Effect[];
  error?: InputError;
}

/** Hardware inputs that change state without a request. */
export type Input =
  | { kind: 'button'; button: TargetName; pressed: boolean }
  | { kind: 'sensor-sample'; sensor: TargetName; raw: number }
  | { kind: 'client-disconnected'; client: number };
