/**
 * Device configuration: what a user designs in firmware-config, what the firmware compiles in as
 * device_config.h, what the simulator boots with, and what `config.set` pushes over serial.
 * Validation (with diagnostics) lives in ./validate.ts; defaults in ./defaults.ts.
 */
import type { LogLevel, TargetName } from '@esphil/protocol';

/** Board profile ids (see ../boards). */
export type BoardId = 'esp32-devkitc' | 'esp32-doit-devkit-v1' | 'esp32-s3-devkitc-1' | 'esp32-c3-devkitm-1';
/** arduino-esp32 major line: decides LEDC channel/timer semantics (2.x pairs channels 2n/2n+1 on a timer). */
export type ArduinoCore = '2.x' | '3.x';

export interface LedConfig {
  name: TargetName;
  pin: number;
  /** Pin low = LED lit. Default false. */
  activeLow?: boolean;
  /** State at boot. Default false (off). */
  initial?: boolean;
}
export interface PwmConfig {
  name: TargetName;
  pin: number;
  /** Hz. Default 5000. */
  freq?: number;
  /** Resolution in bits. Default 8. */
  bits?: number;
  /** Raw duty at boot. Default 0. */
  initialDuty?: number;
  /**
   * LEDC channel to use (arduino-esp32 2.x `ledcSetup(ch, ...)` / 3.x `ledcAttachChannel`). Absent = the allocator
   * picks one (see ../ledc). Under 2.x channels 2n and 2n+1 share a timer.
   */
  channel?: number;
}
export interface ButtonConfig {
  name: TargetName;
  pin: number;
  /** Internal pull resistor. Default 'up'. GPIO 34-39 have none. */
  pull?: 'up' | 'down' | 'none';
  /** Pressed reads low. Default true (button to GND with pull-up). */
  activeLow?: boolean;
  /** Default 30 ms. */
  debounceMs?: number;
}
export interface SensorConfig {
  name: TargetName;
  pin: number;
  /** Only 'adc' in v1. */
  kind?: 'adc';
  unit?: string;
  /** value = raw * scale + offset. Defaults 1 and 0. */
  scale?: number;
  offset?: number;
  /** Highest subscription rate. Default 50. */
  maxHz?: number;
}
export interface WebSocketConfig {
  /** Default 81. */
  port?: number;
  /** Default '/'. */
  path?: string;
  /** Subprotocol name passed to WebSocketsServer. Default 'esphil.v1'. */
  protocol?: string;
  /** WEBSOCKETS_SERVER_CLIENT_MAX. Default 5. */
  maxClients?: number;
  /** enableHeartbeat(intervalMs, timeoutMs, failures). Default 15000 / 3000 / 2. */
  heartbeat?: { intervalMs: number; timeoutMs: number; failures: number } | false;
  /** When set, the first message must be `auth` with this token. */
  authToken?: string;
  /** Auth deadline after connect. Default 5000 ms. */
  authDeadlineMs?: number;
  /** Browser Origins allowed to connect; empty or absent = any. Clients without Origin are always allowed. */
  allowedOrigins?: string[];
  /** Accept the tutorial's `LED ON` / `LED OFF`. Default true. */
  legacyText?: boolean;
}
export interface DeviceConfig {
  version: 1;
  board: BoardId;
  /** Default '3.x'. */
  core?: ArduinoCore;
  /** Device id prefix, e.g. "esp32" -> "esp32-a1b2c3". Default "esphil". */
  name?: string;
  /** WiFi on (ADC2 pins unusable). Default true. */
  wifi?: boolean;
  leds?: LedConfig[];
  pwm?: PwmConfig[];
  buttons?: ButtonConfig[];
  sensors?: SensorConfig[];
  websocket?: WebSocketConfig;
  logLevel?: LogLevel;
}

export type DiagnosticSeverity = 'error' | 'warning';
export interface Diagnostic {
  severity: DiagnosticSeverity;
  /** JSON path into the config, e.g. "pwm[1].pin". */
  path: string;
  /** Stable code, e.g. "pin.flash", "pin.duplicate", "pwm.infeasible". */
  code: string;
  /** Names the pin/channel and what is wrong. */
  message: string;
  /** What to do about it. */
  hint: string;
  pin?: number;
}

/** A config with every default filled in (see ./resolve.ts). Still a valid DeviceConfig. */
export type ResolvedLedConfig = Required<LedConfig>;
export type ResolvedPwmConfig = Required<Omit<PwmConfig, 'channel'>> & Pick<PwmConfig, 'channel'>;
export type ResolvedButtonConfig = Required<ButtonConfig>;
export type ResolvedSensorConfig = Required<SensorConfig>;
export type ResolvedWebSocketConfig = Required<Omit<WebSocketConfig, 'authToken'>> &
  Pick<WebSocketConfig, 'authToken'>;
export interface ResolvedConfig {
  version: 1;
  board: BoardId;
  core: ArduinoCore;
  name: string;
  wifi: boolean;
  leds: ResolvedLedConfig[];
  pwm: ResolvedPwmConfig[];
  buttons: ResolvedButtonConfig[];
  sensors: ResolvedSensorConfig[];
  websocket: ResolvedWebSocketConfig;
  logLevel: LogLevel;
}
