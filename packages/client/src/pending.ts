import type { ErrorResponse, OkResponse, Op } from '@esphil/protocol';
import { DeviceClientError } from './errors';
import type { Timers } from './timers';

/** How many recently abandoned ids (timed out / aborted) are remembered so their late answers stay quiet. */
export const FORGOTTEN_IDS_KEPT = 256;

export interface PendingRequest {
  id: number;
  op: Op;
  frame: string;
  sent: boolean;
  resolve(value: unknown): void;
  reject(err: DeviceClientError): void;
  timer: unknown;
  cleanup(): void;
}

/**
 * Correlates responses with requests by id. Every request owns one deadline timer (started when the request is
 * made, so time spent queued counts) and an optional AbortSignal listener; both are released on settle.
 */
export class RequestTracker {
  readonly #timers: Timers;
  readonly #entries = new Map<number, PendingRequest>();
  readonly #forgotten = new Set<number>();
  #nextId = 1;
  #inFlight = 0;

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** uint32 ids, wrapping, skipping ids still outstanding. */
  allocateId(): number {
    for (;;) {
      const id = this.#nextId;
      this.#nextId = this.#nextId >= 0xffffffff ? 1 : this.#nextId + 1;
      if (!this.#entries.has(id)) return id;
    }
  }

  create<T>(
    op: Op,
    frameOf: (id: number) => string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): { entry: PendingRequest; promise: Promise<T> } {
    const id = this.allocateId();
    let entry!: PendingRequest;
    const promise = new Promise<T>((resolve, reject) => {
      const onAbort = () => this.#abandon(id, new DeviceClientError('aborted', `${op} aborted`, { op, id }));
      entry = {
        id,
        op,
        frame: frameOf(id),
        sent: false,
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: this.#timers.setTimeout(
          () =>
            this.#abandon(
              id,
              new DeviceClientError('timeout', `${op} got no answer within ${timeoutMs} ms`, { op, id }),
            ),
          timeoutMs,
        ),
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    this.#entries.set(id, entry);
    return { entry, promise };
  }

  markSent(entry: PendingRequest): void {
    if (!entry.sent) {
      entry.sent = true;
      this.#inFlight++;
    }
  }

  has(id: number): boolean {
    return this.#entries.has(id);
  }

  /** Settles the request a response belongs to; returns 'unknown' for ids never issued or long gone. */
  settle(res: OkResponse | ErrorResponse): 'settled' | 'late' | 'unknown' {
    if (res.id === null) return 'unknown';
    const entry = this.#entries.get(res.id);
    if (!entry) return this.#forgotten.has(res.id) ? 'late' : 'unknown';
    this.#remove(entry);
    if (res.ok) entry.resolve(res.result);
    else entry.reject(new DeviceClientError(res.error.code, res.error.msg, { op: entry.op, id: entry.id }));
    return 'settled';
  }

  /** Rejects every request matching `filter` (default: all). */
  rejectAll(
    err: (e: PendingRequest) => DeviceClientError,
    filter: (e: PendingRequest) => boolean = () => true,
  ): void {
    for (const entry of [...this.#entries.values()]) {
      if (!filter(entry)) continue;
      this.#remove(entry);
      entry.reject(err(entry));
    }
  }

  /** Removes a request without settling it through a response (e.g. its frame could not be sent). */
  fail(entry: PendingRequest, err: DeviceClientError): void {
    if (this.#entries.get(entry.id) !== entry) return;
    this.#remove(entry);
    entry.reject(err);
  }

  #abandon(id: number, err: DeviceClientError): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    const wasSent = entry.sent;
    this.#remove(entry);
    if (wasSent) {
      this.#forgotten.add(id);
      if (this.#forgotten.size > FORGOTTEN_IDS_KEPT) {
        const oldest = this.#forgotten.values().next().value;
        if (oldest !== undefined) this.#forgotten.delete(oldest);
      }
    }
    entry.reject(err);
  }

  #remove(entry: PendingRequest): void {
    this.#entries.delete(entry.id);
    this.#timers.clearTimeout(entry.timer);
    entry.cleanup();
    if (entry.sent) this.#inFlight--;
  }
}
