/** Injectable time source, so backoff, heartbeat and timeouts run under fake timers or a custom scheduler. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

// Resolved at call time (not captured at import) so vi.useFakeTimers() installed later still takes effect.
export const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};
