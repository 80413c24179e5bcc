import { once } from 'node:events';
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import { HilError } from '../errors';
import { reportEscape } from '../vitest/escapes';

/** Any serialport binding (native, the sim's virtual one, mock). */
export type AnyBinding = ConstructorParameters<typeof SerialPortStream>[0]['binding'];

export type Board = InstanceType<typeof five.Board>;

interface Waiter {
  key: string;
  pred: (v: number) => boolean;
  resolve: (v: number) => void;
}

export interface ProbeChange {
  key: string;
  value: number;
  at: number;
}

export interface OpenProbeOptions {
  path: string;
  baudRate: number;
  binding: AnyBinding;
  timeoutMs: number;
}

/**
 * Stock johnny-five over firmata-io over a SerialPortStream (any binding), plus the latest value of every watched
 * input and waiting for a value. Keys: "d<pin>" for digital inputs, "a<channel>" for analog channels.
 */
export class ProbeMonitor {
  readonly values = new Map<string, number>();
  private waiters: Waiter[] = [];
  private listeners = new Set<(c: ProbeChange) => void>();
  private watched = new Set<string>();

  private constructor(
    readonly board: Board,
    private readonly stream: SerialPortStream,
  ) {}

  static async open(opts: OpenProbeOptions): Promise<ProbeMonitor> {
    const stream = new SerialPortStream({ binding: opts.binding, path: opts.path, baudRate: opts.baudRate });
    // firmata-io waits for the transport's "open": create it before the port finishes opening.
    const io = new firmataIo.Firmata(stream, { reportVersionTimeout: 200 });
    const board = new five.Board({ io, repl: false, debug: false, sigint: false });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        once(board, 'ready'),
        once(stream, 'error').then(([e]) => {
          throw new HilError(
            'probe_failed',
            `probe port ${opts.path}: ${(e as Error).message}`,
            'check the probe USB cable and the port in the bench file',
          );
        }),
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new HilError(
                  'probe_failed',
                  `probe board on ${opts.path} did not answer the Firmata handshake within ${opts.timeoutMs} ms`,
                  'flash StandardFirmata on the probe board and check probe.baud (57600)',
                ),
              ),
            opts.timeoutMs,
          );
        }),
      ]);
    } catch (e) {
      if (stream.isOpen) stream.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return new ProbeMonitor(board, stream);
  }

  private push(key: string, value: number): void {
    const prev = this.values.get(key);
    this.values.set(key, value);
    const change = { key, value, at: performance.now() };
    if (prev !== value)
      for (const l of [...this.listeners]) {
        try {
          l(change);
        } catch (e) {
          // A test's listener must not break the probe's reading loop; the error fails the test it belongs to.
          reportEscape(e, `probe '${key}' listener`);
        }
      }
    this.waiters = this.waiters.filter((w) => {
      if (w.key !== key || !w.pred(value)) return true;
      w.resolve(value);
      return false;
    });
  }

  watchDigital(pin: number): void {
    const key = `d${pin}`;
    if (this.watched.has(key)) return;
    this.watched.add(key);
    // firmata-io only reports pins put in INPUT mode first.
    this.board.pinMode(pin, this.board.MODES.INPUT);
    this.board.digitalRead(pin, (v) => this.push(key, v));
  }

  watchAnalog(channel: number): void {
    const key = `a${channel}`;
    if (this.watched.has(key)) return;
    this.watched.add(key);
    this.board.analogRead(channel, (v) => this.push(key, v));
  }

  digital(pin: number): number | undefined {
    return this.values.get(`d${pin}`);
  }
  analog(channel: number): number | undefined {
    return this.values.get(`a${channel}`);
  }

  /** Resolves with the first reading of `key` (current one included) that satisfies `pred`, or null after timeoutMs. */
  waitFor(key: string, pred: (v: number) => boolean, timeoutMs: number): Promise<number | null> {
    const now = this.values.get(key);
    if (now !== undefined && pred(now)) return Promise.resolve(now);
    return this.wait(key, pred, timeoutMs);
  }

  /** The next report of `key` (fresh sample after now). */
  nextSample(key: string, timeoutMs: number): Promise<number | null> {
    return this.wait(key, () => true, timeoutMs);
  }

  /** The first future report of `key` that satisfies `pred`, or null after `timeoutMs`. */
  private wait(key: string, pred: (v: number) => boolean, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const w: Waiter = {
        key,
        pred,
        resolve: (v) => {
          clearTimeout(t);
          resolve(v);
        },
      };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  onChange(cb: (c: ProbeChange) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  driveDigital(pin: number, level: 0 | 1): void {
    this.board.pinMode(pin, this.board.MODES.OUTPUT);
    this.board.digitalWrite(pin, level);
  }

  /** PWM output 0..255 (a sensor line through its RC filter). */
  drivePwm(pin: number, value: number): void {
    this.board.pinMode(pin, this.board.MODES.PWM);
    this.board.analogWrite(pin, Math.max(0, Math.min(255, Math.round(value))));
  }

  async close(): Promise<void> {
    for (const w of this.waiters) w.resolve(Number.NaN);
    this.waiters = [];
    if (this.stream.isOpen) {
      const closed = once(this.stream, 'close');
      this.stream.close();
      await closed;
    }
  }
}
