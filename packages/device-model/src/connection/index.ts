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
export { Debouncer } from './debounce';
export { ConnectionDevice, DEVICE_MAX_SLOTS, MAX_ADDRESS_LEN, numberedEvent } from './device';
