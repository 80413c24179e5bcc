/**
 * DeviceBackend: the device logic behind the virtual ESP32's transports. The DUT owns the transports
 * (WebSocket server, serial console), time, pins and faults; the backend owns the device state and decides
 * every reply. Two implementations: the TypeScript one (./ts-backend, device-model's state machine) and
 * the firmware helper's native executable (the C++ core built for the host). Keep this interface stable:
 * add optional members only.
 *
 * Call discipline (the DUT guarantees it, backends may rely on it):
 * - `start` first, once per boot; a reboot is `close()` then a fresh backend from the factory and `start` again.
 * - Calls never overlap: the DUT awaits each before issuing the next (one device loop, like firmware).
 * - `handleFrame` gets the raw text exactly as received (JSON request or tutorial legacy text); the backend
 *   decodes it and answers with a raw frame (`reply`), or null to send nothing.
 * - `events` are unsequenced; the transport numbers them per connection. Sensor events are sent only to
 *   subscribed clients at their rate by the transport, which learns subscriptions from ok replies.
 * - `effects` drive the pins (`led-output`, `pwm-output`) and the lifecycle (`reboot`, `store-config`).
 */
import type { DeviceConfig, DeviceIdentity, Effect, Input, Origin, StepContext } from '@esphil/device-model';
import type { Capabilities, DeviceStateSnapshot, UnsequencedEvent } from '@esphil/protocol';

export interface BackendOutput {
  /** Raw frame to the sender (JSON text or legacy reply), or null. */
  reply: string | null;
  events: UnsequencedEvent[];
  effects: Effect[];
}

export interface BackendStart {
  caps: Capabilities;
  state: DeviceStateSnapshot;
  /** Pin outputs for the boot state (initial LED levels, PWM duties). */
  effects: Effect[];
}

/** Why a backend stopped on its own (a native process exited or was killed). */
export interface BackendExit {
  /** e.g. `exited (code 3)`, `exited (SIGSEGV)`. */
  reason: string;
  /** The last lines it wrote to stderr (bounded), possibly empty. */
  stderrTail: string;
}

export interface DeviceBackend {
  start(config: DeviceConfig, identity: DeviceIdentity): Promise<BackendStart>;
  handleFrame(text: string, from: Origin, ctx: StepContext): Promise<BackendOutput>;
  handleInput(input: Input, ctx: StepContext): Promise<BackendOutput>;
  snapshot(): Promise<DeviceStateSnapshot>;
  close(): Promise<void>;
  /**
   * Called once if the backend dies by itself after `start` (not after `close`). The DUT treats it as a firmware
   * crash: the reason and stderr tail go to the console, then the board reboots with a fresh backend.
   */
  onExit?(listener: (exit: BackendExit) => void): void;
}

export type DeviceBackendFactory = () => DeviceBackend;
