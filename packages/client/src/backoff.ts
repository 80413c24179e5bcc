export interface BackoffOptions {
  /** First retry's upper bound (default 250 ms). */
  initialDelayMs?: number;
  /** Cap of the upper bound (default 30 000 ms). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** 'full' (default): delay = random() x bound ("full jitter"); 'none': delay = bound. */
  jitter?: 'full' | 'none';
  /** Give up after this many failed attempts in a row (default Infinity). */
  maxAttempts?: number;
  /**
   * A connection that stayed up at least this long resets the backoff (default 10 000 ms). A shorter one does
   * not: a device that sends hello and closes again is retried at growing delays, not every initialDelayMs.
   */
  stableAfterMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 'full',
  maxAttempts: Number.POSITIVE_INFINITY,
  stableAfterMs: 10_000,
};

/** Delay before retry number `attempt` (0-based): exponential bound, capped, with full jitter. */
export function backoffDelay(attempt: number, opts: Required<BackoffOptions>, random: () => number): number {
  const bound = Math.min(opts.maxDelayMs, opts.initialDelayMs * opts.factor ** Math.max(0, attempt));
  if (opts.jitter === 'none') return bound;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * bound);
}
