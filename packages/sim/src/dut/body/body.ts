/**
 * DeviceBody: the device behind the arduinoWebSockets transport at the connection level, as the firmware's Arduino
 * layer sees the library (apps/firmware/src/arduino/esphil_app.cpp): header validation, CONNECTED with the request
 * target, whole text and binary frames, fragments, DISCONNECTED, one loop() pass, pin and ADC inputs. Every call
 * answers the actions the device took, in order (device-model's DeviceAction). Two implementations: the TS body
 * (./ts-body.ts, device-model's ConnectionDevice) and the firmware itself (./native-body.ts, esphil-native in
 * device mode). Calls must not overlap; `nowMs` is virtual time and only moves forward.
 */
import type { BodyBootOptions, DeviceAction, DeviceIdentity } from '@esphil/device-model';
import type { Capabilities, DeviceStateSnapshot } from '@esphil/protocol';
import type { BackendExit } from '../backend';

export type {
  BodyBootOptions,
  BodyCredentials,
  BodyNetwork,
  DeviceAction,
} from '@esphil/device-model';

export interface BodyBooted {
  identity: DeviceIdentity;
  caps: Capabilities;
  state: DeviceStateSnapshot;
  /** Boot outputs (LED levels, PWM). */
  actions: DeviceAction[];
}

export interface BodyConnected {
  /** false: a header was refused; the library answers its 400 and the device never hears of the client. */
  accepted: boolean;
  actions: DeviceAction[];
}

/** A request header as sent (name case kept), one the library hands to the sketch's validator. */
export type Header = readonly [name: string, value: string];

export interface DeviceBody {
  boot(opts: BodyBootOptions): Promise<BodyBooted>;
  connect(
    slot: number,
    url: string,
    headers: readonly Header[],
    address: string,
    nowMs: number,
  ): Promise<BodyConnected>;
  text(slot: number, data: Uint8Array, nowMs: number): Promise<DeviceAction[]>;
  binary(slot: number, nowMs: number): Promise<DeviceAction[]>;
  fragment(slot: number, nowMs: number): Promise<DeviceAction[]>;
  disconnect(slot: number, nowMs: number): Promise<DeviceAction[]>;
  /** Bytes on the console's RX (UART0 from the host): serial requests and Improv packets. */
  serial(data: Uint8Array, nowMs: number): Promise<DeviceAction[]>;
  /** One pass of the sketch's loop() at `nowMs`. */
  tick(nowMs: number): Promise<DeviceAction[]>;
  /** What digitalRead(pin) returns from now on. */
  pin(pin: number, level: 0 | 1): Promise<void>;
  /** What analogRead(pin) returns from now on. */
  adc(pin: number, raw: number): Promise<void>;
  close(): Promise<void>;
  /** The body died by itself (a native process exited): reported once. */
  onExit?(listener: (exit: BackendExit) => void): void;
}

export type DeviceBodyFactory = () => DeviceBody;
