/**
 * Opening a port through a serialport 13 binding. Any BindingInterface plugs in (native, MockBinding,
 * the simulator's); the native one is loaded lazily so code that always passes a binding never loads the
 * native addon.
 */

import { SERIAL_BAUD } from '@esphil/protocol';
import { SerialPortStream } from '@serialport/stream';
import type { BindingInterface, PortStatus } from './binding';
import { SerialError, toSerialError } from './errors';

export const DEFAULT_OPEN_TIMEOUT_MS = 5000;

export interface OpenSerialPortOptions {
  path: string;
  /** Default 115200, the ESP32 console rate. */
  baudRate?: number;
  /** Any serialport BindingInterface. Default: the native binding (`serialport`'s auto-detected one). */
  binding?: BindingInterface;
  /**
   * Drop DTR/RTS when the port closes (termios HUPCL). The binding's default (true) applies when unset.
   * Turn it off so closing the port does not pulse the auto-reset circuit.
   */
  hupcl?: boolean;
  /** Exclusive lock (default true): a second opener gets 'port_busy'. */
  lock?: boolean;
  /** Give up opening after this long. Default DEFAULT_OPEN_TIMEOUT_MS. */
  openTimeoutMs?: number;
}

/** DTR and RTS as the host drives them (true = asserted). Both always, because serialport's set() defaults the missing one to true. */
export interface ControlLines {
  dtr: boolean;
  rts: boolean;
}

export type ConnectionEvents = {
  data: Uint8Array;
  /** null after close(), a 'disconnected' SerialError when the port went away. */
  close: SerialError | null;
  error: SerialError;
};

type Listener<T> = (value: T) => void;

let nativeBinding: Promise<BindingInterface> | undefined;

/** The auto-detected native binding (loads the @serialport/bindings-cpp addon on first use). */
export function defaultBinding(): Promise<BindingInterface> {
  nativeBinding ??= import('serialport').then(
    (m) => m.SerialPort.binding as BindingInterface,
    (e: unknown) => {
      nativeBinding = undefined;
      throw new SerialError(
        'unsupported',
        `The native serial binding (@serialport/bindings-cpp) could not be loaded: ${(e as Error).message}. ` +
          'Reinstall with its build script allowed, or pass a binding.',
        { cause: e },
      );
    },
  );
  return nativeBinding;
}

export class SerialConnection {
  readonly path: string;
  readonly stream: SerialPortStream;
  private closed = false;
  private closing = false;
  private lastError: SerialError | undefined;
  private flowing = false;
  private readonly listeners: { [K in keyof ConnectionEvents]: Set<Listener<ConnectionEvents[K]>> } = {
    data: new Set(),
    close: new Set(),
    error: new Set(),
  };

  /** Use openSerialPort(); this wraps an already open stream. */
  constructor(stream: SerialPortStream) {
    this.stream = stream;
    this.path = stream.path;
    stream.on('error', (err: Error) => {
      const e = toSerialError(err, 'read', this.path);
      this.lastError = e;
      for (const l of this.listeners.error) l(e);
    });
    stream.on('close', (err?: Error | null) => {
      this.closed = true;
      // A failed write destroys the stream, which then closes without a reason: report what failed.
      const e = err
        ? toSerialError(err, 'read', this.path)
        : this.closing
          ? null
          : (this.lastError ??
            new SerialError('disconnected', `Serial port ${this.path} closed unexpectedly.`, {
              path: this.path,
            }));
      for (const l of this.listeners.close) l(e);
    });
  }

  get baudRate(): number {
    return this.stream.baudRate;
  }

  get isOpen(): boolean {
    return !this.closed && this.stream.isOpen;
  }

  /**
   * Subscribes to an event; returns the unsubscribe function. Reading starts with the first 'data' listener:
   * until then the stream buffers, so boot output that arrives before a console attaches is not lost.
   */
  on<K extends keyof ConnectionEvents>(event: K, listener: Listener<ConnectionEvents[K]>): () => void {
    const set = this.listeners[event] as Set<Listener<ConnectionEvents[K]>>;
    set.add(listener);
    if (event === 'data' && !this.flowing) {
      this.flowing = true;
      this.stream.on('data', (chunk: Buffer) => {
        const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        for (const l of this.listeners.data) l(bytes);
      });
    }
    return () => {
      set.delete(listener);
    };
  }

  private notOpen(op: string): SerialError {
    return new SerialError(
      'disconnected',
      `Serial port ${this.path} is closed; cannot ${op}. Open it again.`,
      {
        path: this.path,
      },
    );
  }

  private call(
    op: 'write' | 'set' | 'update' | 'drain' | 'flush',
    run: (cb: (err: Error | null | undefined) => void) => void,
  ): Promise<void> {
    if (!this.isOpen) return Promise.reject(this.notOpen(op));
    return new Promise((resolve, reject) => {
      run((err) => {
        if (!err) return resolve();
        const e = toSerialError(err, op, this.path);
        if (e.code === 'disconnected') this.lastError = e;
        reject(e);
      });
    });
  }

  /** Resolves once the binding accepted the bytes. */
  write(data: Uint8Array | string): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    return this.call('write', (cb) => {
      this.stream.write(buf, cb);
    });
  }

  /** Sets DTR and RTS together. A pseudo-terminal rejects this with 'unsupported'. */
  set(lines: ControlLines): Promise<void> {
    return this.call('set', (cb) => this.stream.set({ dtr: lines.dtr, rts: lines.rts }, cb));
  }

  get(): Promise<PortStatus> {
    if (!this.isOpen) return Promise.reject(this.notOpen('get'));
    return new Promise((resolve, reject) => {
      this.stream.get((err, status) => {
        if (err || !status) reject(toSerialError(err ?? new Error('no status'), 'get', this.path));
        else resolve(status);
      });
    });
  }

  setBaudRate(baudRate: number): Promise<void> {
    return this.call('update', (cb) => this.stream.update({ baudRate }, cb));
  }

  /** Waits until written data has left the OS buffer. */
  drain(): Promise<void> {
    return this.call('drain', (cb) => this.stream.drain(cb));
  }

  /** Discards unread input and untransmitted output. */
  flush(): Promise<void> {
    return this.call('flush', (cb) => this.stream.flush(cb));
  }

  /** Idempotent. */
  close(): Promise<void> {
    if (!this.isOpen) {
      this.closed = true;
      return Promise.resolve();
    }
    this.closing = true;
    return new Promise((resolve, reject) => {
      this.stream.close((err) => {
        if (err && this.stream.isOpen) reject(toSerialError(err, 'close', this.path));
        else resolve();
      });
    });
  }
}

/** Opens a port. Rejects with a SerialError ('port_missing', 'port_busy', 'permission', 'unsupported', 'timeout', 'io'). */
export async function openSerialPort(opts: OpenSerialPortOptions): Promise<SerialConnection> {
  const { path } = opts;
  const baudRate = opts.baudRate ?? SERIAL_BAUD;
  if (typeof path !== 'string' || path.length === 0) {
    throw new SerialError('port_missing', `No serial port path given. Run \`hil ports\` to list ports.`);
  }
  if (!Number.isInteger(baudRate) || baudRate <= 0) {
    throw new SerialError(
      'unsupported',
      `Baud rate ${baudRate} is not a positive integer (the ESP32 console runs at 115200).`,
      {
        path,
      },
    );
  }
  const binding = opts.binding ?? (await defaultBinding());
  const stream = new SerialPortStream({
    binding,
    path,
    baudRate,
    autoOpen: false,
    ...(opts.hupcl === undefined ? {} : { hupcl: opts.hupcl }),
    ...(opts.lock === undefined ? {} : { lock: opts.lock }),
  });
  const timeoutMs = opts.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(
        new SerialError(
          'timeout',
          `Opening ${path} took longer than ${timeoutMs} ms. Unplug and replug the adapter.`,
          {
            path,
          },
        ),
      );
    }, timeoutMs);
    stream.open((err) => {
      clearTimeout(timer);
      if (settled) {
        // Opened after we gave up: do not leak the handle.
        if (!err) stream.close();
        return;
      }
      settled = true;
      if (err) reject(toSerialError(err, 'open', path));
      else resolve();
    });
  });
  return new SerialConnection(stream);
}
