import type { SerialLogEntry, TranscriptEntry } from '../report/model';

/** Bounded append-only logs: a run that floods the console must not eat the runner's memory. */
export const DEFAULT_MAX_LOG_ENTRIES = 50_000;

export class BoundedLog<T extends { at: number }> {
  readonly entries: T[] = [];
  dropped = 0;
  constructor(readonly max = DEFAULT_MAX_LOG_ENTRIES) {}
  push(e: T): void {
    this.entries.push(e);
    if (this.entries.length > this.max) {
      this.entries.splice(0, this.entries.length - this.max);
      this.dropped++;
    }
  }
  /** Entries in [from, to], at most `limit` of the latest. */
  window(from: number, to: number, limit = 60): T[] {
    return this.between(from, to, limit).entries;
  }
  /** Entries in [from, to]: at most `limit` of the latest, and how many earlier ones in the range were left out. */
  between(from: number, to: number, limit: number): { entries: T[]; omitted: number } {
    const hits = this.entries.filter((e) => e.at >= from && e.at <= to);
    const keep = Math.max(0, Math.floor(limit));
    return { entries: keep > 0 ? hits.slice(-keep) : [], omitted: Math.max(0, hits.length - keep) };
  }
}

export type SerialLog = BoundedLog<SerialLogEntry>;
export type Transcript = BoundedLog<TranscriptEntry>;
