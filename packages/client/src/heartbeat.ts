import type { Timers } from './timers';

export interface HeartbeatOptions {
  /** Probe the link after this long without any inbound traffic (default 5000 ms). */
  intervalMs?: number;
  /** Declare the link dead when the probe gets no answer within this (default 3000 ms). */
  timeoutMs?: number;
}

export const DEFAULT_HEARTBEAT: Required<HeartbeatOptions> = { intervalMs: 5000, timeoutMs: 3000 };

export interface HeartbeatMember {
  /** Called on every shared tick with the current time. */
  heartbeatTick(now: number): void;
}

/** Tick period for given settings: detection happens within intervalMs + timeoutMs + 2 ticks. */
export function heartbeatTickMs(o: Required<HeartbeatOptions>): number {
  return Math.max(1, Math.floor(Math.min(o.intervalMs, o.timeoutMs) / 2));
}

/**
 * One timer for any number of connections (a fleet of thousands shares it): each tick visits every member,
 * which decides by its own timestamps whether to probe or give up. The timer only runs while members exist.
 */
export class HeartbeatScheduler {
  readonly #members = new Set<HeartbeatMember>();
  readonly #timers: Timers;
  readonly tickMs: number;
  #handle: unknown = null;

  constructor(timers: Timers, tickMs: number) {
    this.#timers = timers;
    this.tickMs = tickMs;
  }

  get size(): number {
    return this.#members.size;
  }

  add(m: HeartbeatMember): void {
    this.#members.add(m);
    if (this.#handle === null) this.#arm();
  }

  delete(m: HeartbeatMember): void {
    this.#members.delete(m);
    if (this.#members.size === 0 && this.#handle !== null) {
      this.#timers.clearTimeout(this.#handle);
      this.#handle = null;
    }
  }

  #arm(): void {
    this.#handle = this.#timers.setTimeout(() => this.#tick(), this.tickMs);
  }

  #tick(): void {
    this.#handle = null;
    const now = this.#timers.now();
    for (const m of [...this.#members]) m.heartbeatTick(now);
    if (this.#members.size > 0 && this.#handle === null) this.#arm();
  }
}
