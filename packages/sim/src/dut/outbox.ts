/**
 * Per-connection send queue that applies simulated link latency without reordering: a frame never
 * overtakes an earlier one, as on one TCP stream. With zero delay and nothing pending it sends synchronously.
 */
export interface Outbox<T extends string | Buffer = string | Buffer> {
  send(text: T, delayMs: number): void;
  /** Frames still waiting for their delay. */
  readonly pending: number;
  /** UTF-8 bytes of the frames still waiting. */
  readonly pendingBytes: number;
  /** Resolves once every queued frame has been written (at once when none is queued). */
  whenEmpty(): Promise<void>;
  clear(): void;
}

export function createOutbox<T extends string | Buffer = string | Buffer>(
  write: (text: T) => void,
  now: () => number = Date.now,
): Outbox<T> {
  const queue: { text: T; due: number; bytes: number }[] = [];
  let pendingBytes = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastDue = 0;
  let emptyWaiters: (() => void)[] = [];
  const notifyEmpty = (): void => {
    if (queue.length > 0) return;
    const w = emptyWaiters;
    emptyWaiters = [];
    for (const f of w) f();
  };

  const flush = (): void => {
    timer = null;
    const t = now();
    while (queue.length > 0 && queue[0]!.due <= t) {
      const item = queue.shift()!;
      pendingBytes -= item.bytes;
      write(item.text);
    }
    arm();
    notifyEmpty();
  };
  const arm = (): void => {
    if (timer !== null || queue.length === 0) return;
    timer = setTimeout(flush, Math.max(0, queue[0]!.due - now()));
  };

  return {
    send(text, delayMs) {
      if (delayMs <= 0 && queue.length === 0) {
        write(text);
        return;
      }
      const due = Math.max(lastDue, now() + Math.max(0, delayMs));
      lastDue = due;
      const bytes = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
      pendingBytes += bytes;
      queue.push({ text, due, bytes });
      arm();
    },
    get pending() {
      return queue.length;
    },
    get pendingBytes() {
      return pendingBytes;
    },
    whenEmpty() {
      if (queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => emptyWaiters.push(resolve));
    },
    clear() {
      queue.length = 0;
      pendingBytes = 0;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      notifyEmpty();
    },
  };
}
