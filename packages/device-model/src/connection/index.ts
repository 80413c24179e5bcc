export type { BodyBootOptions, BodyCredentials, BodyNetwork, DeviceAction } from './actions';
export {
  AUTH_BACKOFF_BASE_MS,
  AUTH_BACKOFF_MAX_MS,
  AUTH_FAILURE_MEMORY_MS,
  AUTH_FREE_FAILURES,
  AUTH_TRACKED_ADDRESSES,
  type AuthGate,
  AuthThrottle,
  backoffMs,
} from './auth-throttle';
export {
  type ConsoleCounters,
  type ConsoleHost,
  MAX_SERIAL_LINE_BYTES,
  SerialConsole,
  type SerialStep,
} from './console';
export { Debouncer } from './debounce';
export { ConnectionDevice, DEVICE_MAX_SLOTS, MAX_ADDRESS_LEN } from './device';
export { type ImprovFeed, ImprovStreamDecoder } from './improv-decoder';
export {
  IMPROV_MAX_PASSWORD_BYTES,
  IMPROV_MAX_SSID_BYTES,
  type ImprovHost,
  type ImprovRpc,
  ImprovSession,
  parseImprovRpc,
} from './improv-session';
export { numberedEvent } from './texts';
export { WIFI_CONNECT_TIMEOUT_MS, WifiLink, WifiRadio, type WifiStatus } from './wifi';
