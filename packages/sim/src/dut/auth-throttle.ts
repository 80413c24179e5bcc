/** The auth throttle lives in device-model (connection/auth-throttle.ts) since the TS device body uses it too. */
export {
  AUTH_BACKOFF_BASE_MS,
  AUTH_BACKOFF_MAX_MS,
  AUTH_FAILURE_MEMORY_MS,
  AUTH_FREE_FAILURES,
  AUTH_TRACKED_ADDRESSES,
  type AuthGate,
  AuthThrottle,
  backoffMs,
} from '@esphil/device-model';
