/** Button debounce, as apps/firmware/src/core/debounce.h: a level must hold debounceMs before it is reported. */
export class Debouncer {
  private stable = false;
  private raw = false;
  private changedAt = 0;

  reset(level: boolean, nowMs: number): void {
    this.stable = level;
    this.raw = level;
    this.changedAt = nowMs;
  }

  /** Feeds the raw level; true when the debounced state changed (read it with `state`). */
  update(level: boolean, nowMs: number, debounceMs: number): boolean {
    if (level !== this.raw) {
      this.raw = level;
      this.changedAt = nowMs;
    }
    if (this.raw !== this.stable && nowMs - this.changedAt >= debounceMs) {
      this.stable = this.raw;
      return true;
    }
    return false;
  }

  get state(): boolean {
    return this.stable;
  }
}
