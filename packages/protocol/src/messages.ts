/**
 * esphil protocol v1: the wire types. This file is the contract between device and client;
 * PROTOCOL.md is its normative prose. Keep both in step.
 *
 * Every WebSocket text frame (and every machine line on the serial console, after SERIAL_MACHINE_PREFIX)
 * carries exactly one UTF-8 JSON object. Messages from the device carry `t`; requests carry `id` and `op`.
 */

export const PROTOCOL_VERSION = 1 as const;
/** Subprotocol name the firmware passes to `WebSocketsServer(port, "", name)`. Clients offer it only on request (arduinoWebSockets echoes its own name to ANY offer). */
export const SUBPROTOCOL = 'esphil.v1' as const;
export const DEFAULT_WS_PORT = 81;
export const DEFAULT_WS_PATH = '/';
/** WEBSOCKETS_MAX_DATA_SIZE on ESP32: a larger incoming frame closes the connection with 1009. */
export const MAX_FRAME_BYTES = 15 * 1024;
/** WEBSOCKETS_SERVER_CLIENT_MAX default: a 6th client is accepted at TCP level and dropped. */
export const DEFAULT_MAX_CLIENTS = 5;
export const SERIAL_BAUD = 115200;
/** A serial console line that starts with this prefix carries one JSON protocol object. */
export const SERIAL_MACHINE_PREFIX = '@esphil ';
/**
 * Close codes a device sends. arduinoWebSockets' public API can only close with 1000 (`disconnect()`); the library
 * itself sends 1002 (bad opcode, read timeout), 1009 (frame too large) and 1011 (out of memory)
 * (shared/reference/arduinowebsockets-facts.md §6). PROTOCOL.md 2.3.
 */
export const CloseCode = {
  normal: 1000,
  protocolError: 1002,
  tooLarge: 1009,
  internalError: 1011,
} as const;
/**
 * A request's JSON may nest at most this many containers (the top-level object counts as 1); deeper is `bad_json`
 * (PROTOCOL.md 12). The firmware's parser keeps an explicit stack of this size.
 */
export const MAX_REQUEST_DEPTH = 8;
/**
 * Sensor subscription rates (PROTOCOL.md 5.1): `hz` and a sensor's configured `maxHz` lie in this range, so a
 * sample period is always 1..10000 ms (no division blow-up, no float-to-int overflow on the device).
 */
export const MIN_SENSOR_HZ = 0.1;
export const MAX_SENSOR_HZ = 1000;
/** A request's JSON may hold at most this many values (every object, array, string, number, literal, the top-level object included); more is `bad_json` (PROTOCOL.md 12). */
export const MAX_REQUEST_VALUES = 1024;

/** Names of LEDs, PWM outputs, buttons and sensors: 1-16 chars of [a-z0-9_-], starting with a letter. */
export type TargetName = string;

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

/** Who caused a state change: `ws:<client slot>`, `serial`, `legacy:<client slot>` (tutorial text), `local` (button, timer), `boot`. */
export type Cause = string;

// ---------------------------------------------------------------------------------------------------------------
// Device state and capabilities
// ---------------------------------------------------------------------------------------------------------------

export interface PwmState {
  /** LEDC frequency in Hz. */
  freq: number;
  /** LEDC resolution in bits. */
  bits: number;
  /** Raw duty in counts, 0 .. 2^bits - 1. The maximum means true 100 % (both Arduino cores' "full on"). */
  duty: number;
}

export interface SensorState {
  /** Last raw ADC reading (counts, 12-bit on ESP32). */
  raw: number;
  /** Last scaled value: raw * scale + offset. */
  value: number;
}

export interface DeviceStateSnapshot {
  leds: Record<TargetName, boolean>;
  pwm: Record<TargetName, PwmState>;
  /** true = pressed (after active-low inversion and debounce). */
  buttons: Record<TargetName, boolean>;
  sensors: Record<TargetName, SensorState>;
  logLevel: LogLevel;
}

export interface PwmCapability {
  name: TargetName;
  pin: number;
  freq: number;
  bits: number;
}
export interface SensorCapability {
  name: TargetName;
  pin: number;
  unit: string;
  /** Highest subscription rate the device accepts. */
  maxHz: number;
}
export interface Capabilities {
  leds: { name: TargetName; pin: number }[];
  pwm: PwmCapability[];
  buttons: { name: TargetName; pin: number }[];
  sensors: SensorCapability[];
  ops: Op[];
  maxClients: number;
  maxFrame: number;
  /** The tutorial's `LED ON` / `LED OFF` text frames are understood (they drive the first LED). */
  legacyText: boolean;
  auth: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests (client -> device). Flat objects: `id` + `op` + the op's parameters.
// ---------------------------------------------------------------------------------------------------------------

export type RequestId = number; // uint32, chosen by the client, echoed in the response

interface RequestBase<O extends string> {
  id: RequestId;
  op: O;
}
export interface PingRequest extends RequestBase<'ping'> {
  /** Optional opaque client timestamp, echoed back. */
  ts?: number;
}
export type InfoRequest = RequestBase<'info'>;
export type StateGetRequest = RequestBase<'state.get'>;
export interface LedSetRequest extends RequestBase<'led.set'> {
  led: TargetName;
  on: boolean;
}
export interface LedToggleRequest extends RequestBase<'led.toggle'> {
  led: TargetName;
}
/** Exactly one of `duty` (fraction 0..1) or `raw` (counts 0..2^bits-1). */
export interface PwmSetRequest extends RequestBase<'pwm.set'> {
  ch: TargetName;
  duty?: number;
  raw?: number;
}
export interface PwmConfigRequest extends RequestBase<'pwm.config'> {
  ch: TargetName;
  freq: number;
  bits: number;
}
export interface SensorSubscribeRequest extends RequestBase<'sensor.subscribe'> {
  sensor: TargetName;
  /** 0 < hz <= the sensor's maxHz. */
  hz: number;
}
export interface SensorUnsubscribeRequest extends RequestBase<'sensor.unsubscribe'> {
  sensor: TargetName;
}
export type RebootRequest = RequestBase<'reboot'>;
export interface LogLevelRequest extends RequestBase<'log.level'> {
  level: LogLevel;
}
export interface AuthRequest extends RequestBase<'auth'> {
  token: string;
}
/** Serial console only: replace the stored device configuration (a device-model DeviceConfig object). */
export interface ConfigSetRequest extends RequestBase<'config.set'> {
  config: Record<string, unknown>;
}
export type ConfigGetRequest = RequestBase<'config.get'>;

export type Request =
  | PingRequest
  | InfoRequest
  | StateGetRequest
  | LedSetRequest
  | LedToggleRequest
  | PwmSetRequest
  | PwmConfigRequest
  | SensorSubscribeRequest
  | SensorUnsubscribeRequest
  | RebootRequest
  | LogLevelRequest
  | AuthRequest
  | ConfigSetRequest
  | ConfigGetRequest;
export type Op = Request['op'];
export const OPS: readonly Op[] = [
  'ping',
  'info',
  'state.get',
  'led.set',
  'led.toggle',
  'pwm.set',
  'pwm.config',
  'sensor.subscribe',
  'sensor.unsubscribe',
  'reboot',
  'log.level',
  'auth',
  'config.set',
  'config.get',
];

// ---------------------------------------------------------------------------------------------------------------
// Results per op (the `result` of an ok response)
// ---------------------------------------------------------------------------------------------------------------

export interface DeviceInfo {
  fw: string;
  board: string;
  device: string;
  boot: string;
  uptimeMs: number;
  heapFree: number;
  rssi: number | null;
  ip: string | null;
  clients: number;
}
export interface ResultByOp {
  ping: { ts?: number; uptimeMs: number };
  info: DeviceInfo;
  'state.get': DeviceStateSnapshot;
  'led.set': { led: TargetName; on: boolean };
  'led.toggle': { led: TargetName; on: boolean };
  'pwm.set': { ch: TargetName } & PwmState;
  'pwm.config': { ch: TargetName } & PwmState;
  'sensor.subscribe': { sensor: TargetName; hz: number };
  'sensor.unsubscribe': { sensor: TargetName };
  reboot: { inMs: number };
  'log.level': { level: LogLevel };
  auth: Record<string, never>;
  'config.set': { caps: Capabilities; rebootInMs: number };
  'config.get': { config: Record<string, unknown> };
}

// ---------------------------------------------------------------------------------------------------------------
// Messages from the device
// ---------------------------------------------------------------------------------------------------------------

export type ErrorCode =
  | 'bad_json' // frame/line is not a JSON object
  | 'bad_request' // JSON object without a valid id/op shape
  | 'unknown_op'
  | 'bad_param' // a parameter is missing, of the wrong type or out of range
  | 'unknown_target' // no such LED / PWM channel / button / sensor / pin
  | 'pwm_infeasible' // freq x 2^bits > 80 MHz, bits out of range, or a shared timer conflicts
  | 'unauthorized'
  | 'too_large'
  | 'busy'
  | 'internal';
export const ERROR_CODES: readonly ErrorCode[] = [
  'bad_json',
  'bad_request',
  'unknown_op',
  'bad_param',
  'unknown_target',
  'pwm_infeasible',
  'unauthorized',
  'too_large',
  'busy',
  'internal',
];

export interface ProtocolErrorBody {
  code: ErrorCode;
  msg: string;
  /** For bad_param (and other field-level errors): the offending field, e.g. `on` or `duty`. Optional. */
  path?: string;
}

/** Identity of the booted image, from its esp_app_desc_t (PROTOCOL.md §4.1 `app`). */
export interface AppIdentity {
  /** project_name, 1-31 chars. */
  project: string;
  /** version (git describe of the build), 1-31 chars. */
  version: string;
  /** app_elf_sha256 as 64 lowercase hex digits. */
  elfSha256: string;
}

/** Sent once per connection, first (after auth when the device requires a token). */
export interface HelloMessage {
  t: 'hello';
  proto: number;
  fw: string;
  board: string;
  device: string;
  /** Random per boot: a different value after reconnect means the device rebooted. */
  boot: string;
  /** Optional: the booted image's identity (absent on devices that do not report it). */
  app?: AppIdentity;
  caps: Capabilities;
  state: DeviceStateSnapshot;
  /** Sequence number of the last event sent on this connection (0 in hello): the next event is seq + 1. */
  seq: number;
}

/** Sent instead of hello when the device requires a token: the client must send `auth` within `deadlineMs`. */
export interface AuthRequiredMessage {
  t: 'auth_required';
  proto: number;
  deadlineMs: number;
}

export interface OkResponse<O extends Op = Op> {
  t: 'res';
  id: RequestId;
  ok: true;
  result: ResultByOp[O];
}
export interface ErrorResponse {
  t: 'res';
  /** null when the request's id could not be read (bad_json, bad_request, too_large). */
  id: RequestId | null;
  ok: false;
  error: ProtocolErrorBody;
}
export type Response = OkResponse | ErrorResponse;

interface EventBase<E extends string> {
  t: 'evt';
  /** Per connection, per boot: 1, 2, 3, ... A jump means events were lost. */
  seq: number;
  ev: E;
}
export interface LedEvent extends EventBase<'led'> {
  led: TargetName;
  on: boolean;
  by: Cause;
}
export interface PwmEvent extends EventBase<'pwm'>, PwmState {
  ch: TargetName;
  by: Cause;
}
export interface ButtonEvent extends EventBase<'button'> {
  button: TargetName;
  pressed: boolean;
}
export interface SensorEvent extends EventBase<'sensor'>, SensorState {
  sensor: TargetName;
}
export interface LogEvent extends EventBase<'log'> {
  level: LogLevel;
  msg: string;
}
export type Event = LedEvent | PwmEvent | ButtonEvent | SensorEvent | LogEvent;
export type EventKind = Event['ev'];
/** An event as produced by device logic, before the transport numbers it for one connection. */
export type UnsequencedEvent = Event extends infer E ? (E extends Event ? Omit<E, 'seq'> : never) : never;

export type DeviceMessage = HelloMessage | AuthRequiredMessage | Response | Event;

// ---------------------------------------------------------------------------------------------------------------
// Serial console machine lines (device -> host), in addition to Response/Event objects.
// ---------------------------------------------------------------------------------------------------------------

export interface SerialBootLine {
  t: 'boot';
  fw: string;
  board: string;
  device: string;
  boot: string;
  /** Optional, as in hello. */
  app?: AppIdentity;
  /** esp_reset_reason() name, e.g. "poweron", "sw", "ext", "panic", "brownout". */
  reason: string;
}
export interface SerialReadyLine {
  t: 'ready';
  /** null when WiFi is down or not provisioned: the device is reachable over serial only. */
  ip: string | null;
  port: number;
  path: string;
  url: string | null;
  proto: number;
}
export interface SerialWifiLine {
  t: 'wifi';
  status: 'connecting' | 'connected' | 'failed' | 'disconnected' | 'unprovisioned';
  ssid?: string;
  ip?: string;
}
export type SerialMachineLine = SerialBootLine | SerialReadyLine | SerialWifiLine | Response | Event;

// ---------------------------------------------------------------------------------------------------------------
// Legacy tutorial text mode
// ---------------------------------------------------------------------------------------------------------------

export const LEGACY_LED_ON = 'LED ON';
export const LEGACY_LED_OFF = 'LED OFF';
export const LEGACY_REPLY_ON = 'LED is now ON';
export const LEGACY_REPLY_OFF = 'LED is now OFF';

/**
 * The query parameter that marks an esphil connection (`ws://<ip>:81/?esphil`, PROTOCOL.md 2): hello at once. A
 * connection without it starts in legacy mode on a device with `caps.legacyText` (PROTOCOL.md 9).
 */
export const ESPHIL_URL_PARAM = 'esphil';
