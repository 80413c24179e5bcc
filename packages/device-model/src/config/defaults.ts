/** Named defaults and limits of the device configuration. The firmware's device_config.h mirrors these. */
import {
  DEFAULT_MAX_CLIENTS,
  DEFAULT_WS_PATH,
  DEFAULT_WS_PORT,
  type LogLevel,
  MAX_SENSOR_HZ,
  SUBPROTOCOL,
} from '@esphil/protocol';
import type { ArduinoCore } from './types';

export const DEFAULT_CORE: ArduinoCore = '3.x';
export const DEFAULT_DEVICE_NAME = 'esphil';
export const DEFAULT_WIFI = true;
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export const DEFAULT_LED_ACTIVE_LOW = false;
export const DEFAULT_LED_INITIAL = false;

export const DEFAULT_PWM_FREQ = 5000;
export const DEFAULT_PWM_BITS = 8;
export const DEFAULT_PWM_INITIAL_DUTY = 0;

export const DEFAULT_BUTTON_PULL = 'up' as const;
export const DEFAULT_BUTTON_ACTIVE_LOW = true;
export const DEFAULT_DEBOUNCE_MS = 30;

export const DEFAULT_SENSOR_KIND = 'adc' as const;
export const DEFAULT_SENSOR_UNIT = 'raw';
export const DEFAULT_SENSOR_SCALE = 1;
export const DEFAULT_SENSOR_OFFSET = 0;
export const DEFAULT_SENSOR_MAX_HZ = 50;

export const DEFAULT_WEBSOCKET = {
  port: DEFAULT_WS_PORT,
  path: DEFAULT_WS_PATH,
  protocol: SUBPROTOCOL,
  maxClients: DEFAULT_MAX_CLIENTS,
  heartbeat: { intervalMs: 15_000, timeoutMs: 3_000, failures: 2 },
  authDeadlineMs: 5_000,
  allowedOrigins: [] as string[],
  legacyText: true,
} as const;

/** Limits on untrusted config input (config.set over serial, files in the config app). */
export const CONFIG_LIMITS = {
  /** Entries per list (leds, pwm, buttons, sensors). */
  maxTargetsPerKind: 16,
  /** Device name prefix length. */
  maxDeviceNameLength: 24,
  maxDebounceMs: 1_000,
  /** Highest sensor subscription rate a config may allow. */
  maxSensorHz: MAX_SENSOR_HZ,
  /** WEBSOCKETS_SERVER_CLIENT_MAX is a build flag; every client costs RAM. */
  maxClients: 16,
  minAuthTokenLength: 16,
  maxAuthTokenLength: 64,
  maxAuthDeadlineMs: 60_000,
  maxOrigins: 16,
  maxOriginLength: 128,
  maxPathLength: 64,
  maxProtocolLength: 32,
  maxUnitLength: 8,
  maxHeartbeatMs: 600_000,
  maxHeartbeatFailures: 10,
} as const;

/** Target names: 1-16 chars of [a-z0-9_-], starting with a letter (protocol TargetName). */
export const TARGET_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,15}$/;
/** Device name prefix: same alphabet, a bit longer. */
export const DEVICE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,23}$/;
