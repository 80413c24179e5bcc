/**
 * The device's serial console: a SerialFramer over a connection, a bounded history of everything the
 * device printed, and requests over serial correlated by id.
 */
import {
  type ErrorResponse,
  formatMachineLine,
  type ImprovDecodeError,
  type ImprovPacket,
  type MachineDecodeResult,
  type MachineLineError,
  type OkResponse,
  type Op,
  type Request,
  type RequestId,
  redactImprovPacket,
  SERIAL_MACHINE_PREFIX,
  SerialFramer,
  type SerialFramerStats,
  type SerialItem,
  type SerialMachineLine,
} from '@esphil/protocol';
import { SerialError } from './errors';

export const DEFAULT_MAX_LOG_ENTRIES = 5000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;

/** Where the console reads and writes: a SerialConnection, or anything shaped like one. */
export interface ConsoleTransport {
  readonly path: string;
  readonly isOpen: boolean;
  on(event: 'data', listener: (bytes: Uint8Array) => void): () => void;
  on(event: 'close', listener: (err: SerialError | null) => void): () => void;
  write(data: Uint8Array | string): Promise<void>;
  close?(): Promise<void>;
}

export interface SerialConsoleOptions {
  /** Framer line limit (bytes). Default: the framer's (1024). */
  maxLineBytes?: number;
  /** Entries of history kept; older ones are dropped (and counted). Default DEFAULT_MAX_LOG_ENTRIES. */
  maxLogEntries?: number;
  /** Default timeout of request(). Default DEFAULT_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Decoder for machine lines (the protocol codec's decodeSerialMachineLine fits). */
  decodeMachineLine?: (json: string) => MachineDecodeResult<SerialMachineLine>;
}

export interface LogEntry {
  /** Position in the stream of items since the console started (survives dropping old entries). */
  index: number;
  item: SerialItem;
  /** Printable form; Improv Wi-Fi passwords are redacted. */
  text: string;
}

export type ConsoleEvents = {
  item: SerialItem;
  line: string;
  machine: SerialMachineLine;
  'machine-error': { error: MachineLineError; raw: string };
  improv: ImprovPacket;
  'improv-error': { error: ImprovDecodeError; raw: Uint8Array };
  close: SerialError | null;
};

type RequestParams<O extends Op> = Omit<Extract<Request, { op: O }>, 'id' | 'op'>;
export interface RequestOptions {
  timeoutMs?: number;
}
export type SerialResponse<O extends Op = Op> = OkResponse<O> | ErrorResponse;
/** Params are optional for ops that have no required ones. */
export type RequestArgs<O extends Op> =
  Partial<RequestParams<O>> extends RequestParams<O>
    ? [params?: RequestParams<O>, opts?: RequestOptions]
    : [params: RequestParams<O>, opts?: RequestOptions];

export interface WaitForOptions {
  timeoutMs: number;
  /** Also look at history entries from this index on (see mark()). Default: only items arriving from now. */
  since?: number;
  /** Builds the timeout error; default a generic 'timeout' SerialError. */
  timeoutError?: () => SerialError;
  /** Aborting stops waiting (and its timer); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface Pending {
  op: Op;
  resolve: (r: SerialResponse) => void;
  reject: (e: SerialError) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Listener<T> = (value: T) => void;

export function describeItem(item: SerialItem): string {
  switch (item.kind) {
    case 'line':
      return item.truncated ? `${item.text} [line cut]` : item.text;
    case 'machine':
      return `${SERIAL_MACHINE_PREFIX}${item.raw}`;
    case 'machine-error':
      return `${SERIAL_MACHINE_PREFIX}${item.raw} [${item.error.code}: ${item.error.message}]`;
    case 'improv':
      return `[improv] ${JSON.stringify(redactImprovPacket(item.packet))}`;
    case 'improv-error':
      return `[improv ${item.error.code}] ${item.error.message}`;
  }
}

export class SerialConsole {
  readonly transport: ConsoleTransport;
  private readonly framer: SerialFramer;
  private readonly maxLogEntries: number;
  private readonly requestTimeoutMs: number;
  private readonly history: LogEntry[] = [];
  private nextIndex = 0;
  private dropped = 0;
  private nextId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly unsubscribe: (() => void)[] = [];
  private closedWith: SerialError | null | undefined;
  private readonly listeners: { [K in keyof ConsoleEvents]: Set<Listener<ConsoleEvents[K]>> } = {
    item: new Set(),
    line: new Set(),
    machine: new Set(),
    'machine-error': new Set(),
    improv: new Set(),
    'improv-error': new Set(),
    close: new Set(),
  };

  constructor(transport: ConsoleTransport, opts: SerialConsoleOptions = {}) {
    this.transport = transport;
    this.framer = new SerialFramer({
      ...(opts.maxLineBytes === undefined ? {} : { maxLineBytes: opts.maxLineBytes }),
      ...(opts.decodeMachineLine === undefined ? {} : { decodeMachineLine: opts.decodeMachineLine }),
    });
    this.maxLogEntries = Math.max(1, opts.maxLogEntries ?? DEFAULT_MAX_LOG_ENTRIES);
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.unsubscribe.push(
      transport.on('data', (bytes) => this.dispatch(this.framer.push(bytes))),
      transport.on('close', (err) => this.onClose(err)),
    );
  }

  get path(): string {
    return this.transport.path;
  }

  /** Framer counters: bytes in, dropped bytes, overlong lines, bad Improv packets... */
  get stats(): SerialFramerStats & { droppedLogEntries: number } {
    return { ...this.framer.stats, droppedLogEntries: this.dropped };
  }

  /** Index the next item will get: pass it as `since` to look at what arrives after this point. */
  mark(): number {
    return this.nextIndex;
  }

  /** Retained history, oldest first. */
  entries(since = 0): LogEntry[] {
    const first = this.history[0]?.index ?? this.nextIndex;
    return this.history.slice(Math.max(0, since - first));
  }

  /** The retained log as text lines. */
  get log(): string[] {
    return this.history.map((e) => e.text);
  }

  on<K extends keyof ConsoleEvents>(event: K, listener: Listener<ConsoleEvents[K]>): () => void {
    const set = this.listeners[event] as Set<Listener<ConsoleEvents[K]>>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  private emit<K extends keyof ConsoleEvents>(event: K, value: ConsoleEvents[K]): void {
    for (const l of this.listeners[event] as Set<Listener<ConsoleEvents[K]>>) l(value);
  }

  private dispatch(items: SerialItem[]): void {
    for (const item of items) {
      this.history.push({ index: this.nextIndex++, item, text: describeItem(item) });
      if (this.history.length > this.maxLogEntries) {
        this.history.shift();
        this.dropped++;
      }
      switch (item.kind) {
        case 'line':
          this.emit('line', item.text);
          break;
        case 'machine':
          this.settle(item.message);
          this.emit('machine', item.message);
          break;
        case 'machine-error':
          this.failMalformed(item.error, item.raw);
          this.emit('machine-error', { error: item.error, raw: item.raw });
          break;
        case 'improv':
          this.emit('improv', item.packet);
          break;
        case 'improv-error':
          this.emit('improv-error', { error: item.error, raw: item.raw });
          break;
      }
      this.emit('item', item);
    }
  }

  private settle(msg: SerialMachineLine): void {
    if (msg.t !== 'res' || msg.id === null) return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    p.resolve(msg as SerialResponse);
  }

  /** A response whose id could be read but which failed validation ends its request at once. */
  private failMalformed(error: MachineLineError, raw: string): void {
    if (error.id === null) return;
    const p = this.pending.get(error.id);
    if (!p) return;
    this.pending.delete(error.id);
    clearTimeout(p.timer);
    p.reject(
      new SerialError(
        'io',
        `Malformed answer to serial request #${error.id} (${p.op}): ${error.code} at "${error.path}": ${error.message}. ` +
          `Line: ${raw}`,
        { path: this.path },
      ),
    );
  }

  private onClose(err: SerialError | null): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = err;
    this.dispatch(this.framer.flush());
    const reason =
      err ??
      new SerialError('disconnected', `Serial port ${this.path} was closed.`, {
        path: this.path,
      });
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(
        new SerialError('disconnected', `Serial request #${id} (${p.op}) lost: ${reason.message}`, {
          path: this.path,
          cause: reason,
        }),
      );
    }
    this.pending.clear();
    this.emit('close', err);
  }

  private closedError(what: string): SerialError {
    return new SerialError(
      'disconnected',
      `Serial port ${this.path} is closed; cannot ${what}. Open it again.`,
      {
        path: this.path,
      },
    );
  }

  /** Writes one text line (CRLF appended). */
  write(line: string): Promise<void> {
    return this.transport.write(`${line}\r\n`);
  }

  writeBytes(bytes: Uint8Array): Promise<void> {
    return this.transport.write(bytes);
  }

  /**
   * Sends `@esphil {"id":..,"op":..,...}` and resolves with the response carrying the same id (ok or error;
   * check `ok`). Rejects with SerialError 'timeout' or 'disconnected'.
   */
  request<O extends Op>(op: O, ...args: RequestArgs<O>): Promise<SerialResponse<O>> {
    const [params, opts] = args;
    if (this.closedWith !== undefined || !this.transport.isOpen) {
      return Promise.reject(this.closedError(`send ${op}`));
    }
    const id = this.nextId;
    this.nextId = this.nextId >= 0xffffffff ? 1 : this.nextId + 1;
    const timeoutMs = opts?.timeoutMs ?? this.requestTimeoutMs;
    // id and op first (readable logs, cheap device-side sniffing); params cannot override them.
    const line = formatMachineLine(Object.assign({ id, op }, params, { id, op }) as Request);
    return new Promise<SerialResponse<O>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new SerialError(
            'timeout',
            `No response to serial request #${id} (${op}) within ${timeoutMs} ms on ${this.path}. ` +
              'Is the esphil firmware running (see the console log) and reading requests on serial?',
            { path: this.path },
          ),
        );
      }, timeoutMs);
      this.pending.set(id, { op, resolve: resolve as (r: SerialResponse) => void, reject, timer });
      this.transport.write(line).catch((e: unknown) => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        reject(
          e instanceof SerialError ? e : new SerialError('io', String(e), { path: this.path, cause: e }),
        );
      });
    });
  }

  /**
   * Resolves with the first item `pick` maps to a value (looking at history from `since` first).
   * Rejects with the timeout error, or 'disconnected' if the port closes first.
   */
  waitFor<T>(pick: (item: SerialItem) => T | undefined, opts: WaitForOptions): Promise<T> {
    if (opts.since !== undefined) {
      for (const entry of this.entries(opts.since)) {
        const hit = pick(entry.item);
        if (hit !== undefined) return Promise.resolve(hit);
      }
    }
    if (this.closedWith !== undefined) return Promise.reject(this.closedError('wait for output'));
    if (opts.signal?.aborted) return Promise.reject(opts.signal.reason);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        done();
        reject(opts.signal?.reason);
      };
      const done = () => {
        clearTimeout(timer);
        offItem();
        offClose();
        opts.signal?.removeEventListener('abort', onAbort);
      };
      opts.signal?.addEventListener('abort', onAbort);
      const timer = setTimeout(() => {
        done();
        reject(
          opts.timeoutError?.() ??
            new SerialError(
              'timeout',
              `Nothing expected arrived on ${this.path} within ${opts.timeoutMs} ms.`,
              {
                path: this.path,
              },
            ),
        );
      }, opts.timeoutMs);
      const offItem = this.on('item', (item) => {
        const hit = pick(item);
        if (hit === undefined) return;
        done();
        resolve(hit);
      });
      const offClose = this.on('close', (err) => {
        done();
        reject(err ?? this.closedError('wait for output'));
      });
    });
  }

  /** Closes the transport; pending requests fail with 'disconnected'. */
  async close(): Promise<void> {
    await this.transport.close?.();
    this.detach();
  }

  /** Stops listening to the transport (the port stays open); pending requests fail with 'disconnected'. */
  detach(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.onClose(null);
  }
}
