/** Time source for the probe's sampling loop and the wiring physics, injectable so tests are deterministic. */
export interface Clock {
  /** Milliseconds; only differences matter. */
  now(): number;
  setTimeout(fn: () => void, ms: number): ClockTimer;
  setInterval(fn: () => void, ms: number): ClockTimer;
}

export interface ClockTimer {
  cancel(): void;
}

/**
 * Wall-clock timers. Looks the globals up on every call (not at import) so `vi.useFakeTimers()` installed
 * after import still drives it. Timers are unref'd: a forgotten probe must not keep a process alive.
 */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = globalThis.setTimeout(fn, ms);
    (t as { unref?: () => void }).unref?.();
    return { cancel: () => globalThis.clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = globalThis.setInterval(fn, ms);
    (t as { unref?: () => void }).unref?.();
    return { cancel: () => globalThis.clearInterval(t) };
  },
};

interface ManualTimer {
  id: number;
  due: number;
  every: number | null;
  fn: () => void;
}

/** A clock that only moves when told to; timers fire in due order (ties in creation order) during `advance`. */
export class ManualClock implements Clock {
  private t: number;
  private nextId = 0;
  private timers: ManualTimer[] = [];

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): ClockTimer {
    return this.add(fn, ms, Math.max(1, ms));
  }

  /** Number of timers still scheduled. */
  get pending(): number {
    return this.timers.length;
  }

  /** Move time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + Math.max(0, ms);
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.timers) {
        if (
          timer.due <= end &&
          (!next || timer.due < next.due || (timer.due === next.due && timer.id < next.id))
        ) {
          next = timer;
        }
      }
      if (!next) break;
      this.t = Math.max(this.t, next.due);
      if (next.every === null) this.timers = this.timers.filter((x) => x !== next);
      else next.due += next.every;
      next.fn();
    }
    this.t = end;
  }

  private add(fn: () => void, ms: number, every: number | null): ClockTimer {
    const timer: ManualTimer = { id: this.nextId++, due: this.t + Math.max(0, ms), every, fn };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((x) => x !== timer);
      },
    };
  }
}
