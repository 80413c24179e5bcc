/**
 * UART0 of the board: what goes out on TX (console lines with the serial-garbage fault's noise, raw bytes from the
 * ROM, the loader or the app) and where RX goes (the ROM loader in download mode, else the app that runs).
 */
import { SERIAL_MACHINE_PREFIX, type SerialMachineLine } from '@esphil/protocol';
import type { Rng } from '../../rng';
import { appLog, garbageBytes } from '../console-text';

/** Probability per console line (or per app write in body mode) that serial-garbage inserts noise. */
export const SERIAL_GARBAGE_RATE = 0.3;

export type LogLevel = 'E' | 'W' | 'I' | 'D';

export interface UartOptions {
  /** Bytes on TX, towards the host. */
  tx(data: Uint8Array): void;
  rng: Rng;
  /** The serial-garbage fault. */
  garbage: boolean;
  /** false while no app code runs (off, reset, download): app log lines are not printed then. */
  appRuns(): boolean;
  /** ms since the app booted (the log lines' timestamp). */
  uptime(): number;
  /** The ROM loader's RX in download mode: true when it took the bytes. */
  romLoader(data: Uint8Array): boolean;
  /** The app's RX otherwise. */
  app(data: Uint8Array): void;
}

export class Uart {
  private readonly opts: UartOptions;

  constructor(opts: UartOptions) {
    this.opts = opts;
  }

  /** Raw bytes, as they are (ROM loader answers, Improv packets, reset noise). */
  write(data: Uint8Array): void {
    if (data.length > 0) this.opts.tx(data);
  }

  /** Bytes the app wrote (body mode: the firmware's own console); serial-garbage noise may come first. */
  appWrite(data: Uint8Array): void {
    this.noise();
    this.write(data);
  }

  println(line: string): void {
    this.noise();
    this.write(Buffer.from(`${line}\r\n`, 'utf8'));
  }

  /** An arduino-esp32 log_x() line from the app; nothing while no app runs. */
  log(level: LogLevel, where: string, msg: string): void {
    if (!this.opts.appRuns()) return;
    this.println(appLog(this.opts.uptime(), level, where, msg));
  }

  /** A machine line (PROTOCOL.md 11). */
  machine(line: SerialMachineLine | Record<string, unknown>): void {
    this.println(`${SERIAL_MACHINE_PREFIX}${JSON.stringify(line)}`);
  }

  /** Host -> board bytes on RX. */
  receive(data: Uint8Array): void {
    if (this.opts.romLoader(data)) return;
    this.opts.app(data);
  }

  private noise(): void {
    if (this.opts.garbage && this.opts.rng.next() < SERIAL_GARBAGE_RATE)
      this.write(garbageBytes(this.opts.rng));
  }
}
