/** Default number of undelivered events an async iterator holds. */
export const DEFAULT_EVENT_BUFFER = 1024;

export interface EventStreamOptions {
  /** Undelivered events held per iterator (default DEFAULT_EVENT_BUFFER). When full, the OLDEST event is dropped. */
  bufferSize?: number;
}

/**
 * A bounded async-iterable queue. Overflow policy: drop the oldest undelivered item and count it in `dropped`,
 * so a slow consumer sees the newest events and can tell that it missed some; the producer is never blocked.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #max: number;
  #waiter: ((r: IteratorResult<T>) => void) | null = null;
  #done = false;
  #detach: () => void;
  /** Items dropped because the consumer fell more than `bufferSize` behind. */
  dropped = 0;

  constructor(opts: EventStreamOptions, detach: () => void) {
    this.#max = Math.max(1, opts.bufferSize ?? DEFAULT_EVENT_BUFFER);
    this.#detach = detach;
  }

  push(item: T): void {
    if (this.#done) return;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w({ value: item, done: false });
      return;
    }
    if (this.#buffer.length >= this.#max) {
      this.#buffer.shift();
      this.dropped++;
    }
    this.#buffer.push(item);
  }

  /** Ends the iteration after the buffered items are consumed. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#detach();
    if (this.#waiter && this.#buffer.length === 0) {
      const w = this.#waiter;
      this.#waiter = null;
      w({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.#buffer.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
