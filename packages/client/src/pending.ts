import type { ErrorResponse, OkResponse, Op } from '@esphil/protocol';
import { decodeResult } from './codec';
import { DeviceClientError } from './errors';
import type { Timers } from './timers';

/** How many recently abandoned ids (timed out / aborted) are remembered so their late answers stay quiet. */
export const FORGOTTEN_IDS_KEPT = 256;

/** setTimeout's largest delay; a longer one would fire at once (Node and browsers store it as int32). */
const MAX_TIMER_DELAY_MS = 0x7fff_ffff;

export interface PendingRequest {
  readonly id: number;
  readonly op: Op;
  readonly frame: string;
  sent: boolean;
  /** timers.now() after which the request fails with 'timeout' (set when it is made, so queued time counts). */
  readonly deadline: number;
  readonly timeoutMs: number;
  resolve(value: unknown): void;
  reject(err: DeviceClientError): void;
  /** Detaches the AbortSignal listener, if any. */
  cleanup: (() => void) | null;
}

/**
 * Correlates responses with requests by id. Deadlines share one timer, armed for the earliest of them and
 * re-armed from the timer itself: a request costs no timer of its own, which on a busy link was a setTimeout and
 * a clearTimeout per round trip (see apps/bench/BENCHMARKS.md). A timer that fires with nothing pending is not
 * re-armed, and rejectAll() (close, lost link) drops it at once.
 */
export class RequestTracker {
  readonly #timers: Timers;
  readonly #onResult: (op: Op, result: unknown) => void;
  readonly #entries = new Map<number, PendingRequest>();
  readonly #forgotten = new Set<number>();
  #nextId = 1;
  #inFlight = 0;
  #timer: unknown = null;
  #timerAt = Number.POSITIVE_INFINITY;

  /** `onResult` sees every ok result before the caller does (the client updates its state mirror there). */
  constructor(timers: Timers, onResult: (op: Op, result: unknown) => void = () => {}) {
    this.#timers = timers;
    this.#onResult = onResult;
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
    let resolve!: (v: unknown) => void;
    let reject!: (e: DeviceClientError) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res as (v: unknown) => void;
      reject = rej;
    });
    const entry: PendingRequest = {
      id,
      op,
      frame: frameOf(id),
      sent: false,
      deadline: this.#timers.now() + timeoutMs,
      timeoutMs,
      resolve,
      reject,
      cleanup: null,
    };
    if (signal) {
      const onAbort = () => this.#abandon(id, new DeviceClientError('aborted', `${op} aborted`, { op, id }));
      signal.addEventListener('abort', onAbort, { once: true });
      entry.cleanup = () => signal.removeEventListener('abort', onAbort);
    }
    this.#entries.set(id, entry);
    this.#arm(entry.deadline);
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

  /**
   * Settles the request a response belongs to; returns 'unknown' for ids never issued or long gone. An ok
   * result is decoded against the request's op (the codec's decodeResult) before `onResult` or the caller sees
   * it: a result of the wrong shape fails that request with 'protocol' ('invalid').
   */
  settle(res: OkResponse | ErrorResponse): 'settled' | 'invalid' | 'late' | 'unknown' {
    if (res.id === null) return 'unknown';
    const entry = this.#entries.get(res.id);
    if (!entry) return this.#forgotten.has(res.id) ? 'late' : 'unknown';
    this.#remove(entry);
    if (!res.ok) {
      entry.reject(new DeviceClientError(res.error.code, res.error.msg, { op: entry.op, id: entry.id }));
      return 'settled';
    }
    const decoded = decodeResult(entry.op, res.result, entry.id);
    if (!decoded.ok) {
      entry.reject(new DeviceClientError('protocol', decoded.error.message, { op: entry.op, id: entry.id }));
      return 'invalid';
    }
    try {
      this.#onResult(entry.op, decoded.value);
    } catch (err) {
      // A result the mirror cannot take fails this request, not the connection that delivered it.
      entry.reject(
        new DeviceClientError('protocol', `${entry.op}: result not applied: ${(err as Error).message}`, {
          op: entry.op,
          id: entry.id,
          cause: err,
        }),
      );
      return 'invalid';
    }
    entry.resolve(decoded.value);
    return 'settled';
  }

  /** Fails the request with this id (a response for it arrived but could not be decoded); false if none. */
  rejectId(id: number, err: (op: Op) => DeviceClientError): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    this.#remove(entry);
    entry.reject(err(entry.op));
    return true;
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
    if (this.#entries.size === 0) this.#disarm();
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
    entry.cleanup?.();
    if (entry.sent) this.#inFlight--;
  }

  /**
   * Makes sure the shared timer fires by `deadline`. A timer already due earlier is kept: when it fires it
   * re-arms for whatever is still pending, so settled requests never need their timer cleared.
   */
  #arm(deadline: number): void {
    if (this.#timer !== null && this.#timerAt <= deadline) return;
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timerAt = deadline;
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, deadline - this.#timers.now()));
    this.#timer = this.#timers.setTimeout(() => this.#expire(), delay);
  }

  #disarm(): void {
    if (this.#timer === null) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #expire(): void {
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#timers.now();
    let next = Number.POSITIVE_INFINITY;
    for (const entry of [...this.#entries.values()]) {
      if (entry.deadline <= now) {
        this.#abandon(
          entry.id,
          new DeviceClientError('timeout', `${entry.op} got no answer within ${entry.timeoutMs} ms`, {
            op: entry.op,
            id: entry.id,
          }),
        );
      } else if (entry.deadline < next) next = entry.deadline;
    }
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }
}
