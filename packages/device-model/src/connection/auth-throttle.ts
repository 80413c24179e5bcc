/**
 * Slows token guessing down (PROTOCOL.md 8.1, "failed attempts"), the same rules as the firmware core's
 * apps/firmware/src/core/auth_throttle.cpp (moved here from packages/sim/src/dut/auth-throttle.ts):
 * - per remote address, the first AUTH_FREE_FAILURES wrong tokens are refused at once;
 * - each further one locks the address for AUTH_BACKOFF_BASE_MS, doubling per failure up to AUTH_BACKOFF_MAX_MS,
 *   and the refusal on that connection is held until the lock ends (per connection: its one guess costs the
 *   whole window, and its slot stays taken). The firmware can do exactly that: it keeps the answer and sends it
 *   (then `disconnect()`) from a later loop() pass; the library keeps reading and delivering that client's frames
 *   meanwhile, which the device ignores (shared/reference/arduinowebsockets-facts.md §5.1, §6, §10);
 * - while an address is locked, an `auth` from it is not checked at all: `unauthorized` (retry after N ms), close;
 * - a right token clears the address; a failure is forgotten AUTH_FAILURE_MEMORY_MS after the last one;
 * - at most AUTH_TRACKED_ADDRESSES addresses are remembered (the one with the oldest failure makes room).
 */

export const AUTH_FREE_FAILURES = 3;
export const AUTH_BACKOFF_BASE_MS = 1_000;
export const AUTH_BACKOFF_MAX_MS = 30_000;
export const AUTH_FAILURE_MEMORY_MS = 10 * 60_000;
export const AUTH_TRACKED_ADDRESSES = 8;

interface Entry {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export type AuthGate = { locked: false } | { locked: true; retryInMs: number };

export class AuthThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  private entry(address: string): Entry | undefined {
    const e = this.entries.get(address);
    if (e && this.now() - e.lastFailureAt >= AUTH_FAILURE_MEMORY_MS) {
      this.entries.delete(address);
      return undefined;
    }
    return e;
  }

  /** Before checking a token: is this address in its refusal window? */
  gate(address: string): AuthGate {
    const e = this.entry(address);
    const left = e ? e.lockedUntil - this.now() : 0;
    return left > 0 ? { locked: true, retryInMs: left } : { locked: false };
  }

  /** A wrong token from `address`: how long its refusal is held (0 = answer at once). */
  failed(address: string): number {
    const now = this.now();
    let e = this.entry(address);
    if (!e) {
      if (this.entries.size >= AUTH_TRACKED_ADDRESSES) this.evictOldest();
      e = { failures: 0, lastFailureAt: now, lockedUntil: 0 };
      this.entries.set(address, e);
    }
    e.failures += 1;
    e.lastFailureAt = now;
    const delay = backoffMs(e.failures);
    e.lockedUntil = now + delay;
    return delay;
  }

  /** A right token from `address`: its failures are forgotten. */
  succeeded(address: string): void {
    this.entries.delete(address);
  }

  private evictOldest(): void {
    let oldest: string | null = null;
    let at = Number.POSITIVE_INFINITY;
    for (const [a, e] of this.entries) {
      if (e.lastFailureAt < at) {
        at = e.lastFailureAt;
        oldest = a;
      }
    }
    if (oldest !== null) this.entries.delete(oldest);
  }
}

/** The hold after the `failures`-th wrong token in a row: 0 for the free ones, then doubling, capped. */
export function backoffMs(failures: number): number {
  const over = failures - AUTH_FREE_FAILURES;
  if (over <= 0) return 0;
  return Math.min(AUTH_BACKOFF_MAX_MS, AUTH_BACKOFF_BASE_MS * 2 ** Math.min(over - 1, 30));
}
