/**
 * A Web-Serial-shaped port (what esptool-js's Transport drives) over any serialport binding, so one code path
 * flashes hardware (bindings-cpp), a pty and the simulated board. What esptool-js needs, per esptool-facts.md and
 * esptool-js 0.7.0 lib/webserial.js: `open({ baudRate })`, `readable`/`writable` web streams (readable = null after
 * close so its read loop ends), `setSignals()` with either line alone (we keep both lines' state, because
 * serialport's set() fills a missing line with `true`), `getInfo()` with numeric USB ids, and `setBaudRate()` so a
 * baud change happens in place (webserial.js changeBaudrate prefers it to a reopen).
 */
import type { BindingInterface, BindingPortInterface } from '../binding';

export interface WebSerialSignals {
  dataTerminalReady?: boolean;
  requestToSend?: boolean;
  break?: boolean;
}

export interface BindingSerialPortOptions {
  binding: BindingInterface;
  path: string;
  /** USB ids as numbers (hil ports / serialport list give hex strings). */
  usbVendorId?: number;
  usbProductId?: number;
  /** Bytes asked for per binding read. Default 4096. */
  readChunkBytes?: number;
}

export class BindingSerialPort {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  private port: BindingPortInterface | null = null;
  private lines = { dtr: true, rts: true, brk: false };
  private readonly chunk: number;

  constructor(private readonly options: BindingSerialPortOptions) {
    this.chunk = options.readChunkBytes ?? 4096;
  }

  getInfo(): { usbVendorId?: number; usbProductId?: number } {
    return { usbVendorId: this.options.usbVendorId, usbProductId: this.options.usbProductId };
  }

  async open(options: { baudRate: number }): Promise<void> {
    if (this.port) throw new Error(`${this.options.path} is already open`);
    const port = await this.options.binding.open({ path: this.options.path, baudRate: options.baudRate });
    this.port = port;
    // The OS asserts both lines on open (hardware-facts.md); keep our record in step.
    this.lines = { dtr: true, rts: true, brk: false };
    this.readable = this.readStream(port);
    this.writable = new WritableStream<Uint8Array>({ write: (data) => port.write(Buffer.from(data)) });
  }

  private readStream(port: BindingPortInterface): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          const { buffer, bytesRead } = await port.read(Buffer.alloc(this.chunk), 0, this.chunk);
          if (bytesRead > 0) controller.enqueue(new Uint8Array(buffer.subarray(0, bytesRead)));
        } catch {
          // Closed (the binding cancels pending reads) or the device went away: end the stream.
          try {
            controller.close();
          } catch {
            // Already cancelled by the reader (esptool-js disconnect()).
          }
        }
      },
    });
  }

  async setSignals(signals: WebSerialSignals): Promise<void> {
    if (!this.port) throw new Error(`${this.options.path} is not open`);
    if (signals.dataTerminalReady !== undefined) this.lines.dtr = signals.dataTerminalReady;
    if (signals.requestToSend !== undefined) this.lines.rts = signals.requestToSend;
    if (signals.break !== undefined) this.lines.brk = signals.break;
    await this.port.set({ dtr: this.lines.dtr, rts: this.lines.rts, brk: this.lines.brk });
  }

  async setBaudRate(baudRate: number): Promise<void> {
    if (!this.port) throw new Error(`${this.options.path} is not open`);
    await this.port.update({ baudRate });
  }

  /** The port as a ControlLineTarget for the reset sequences in ../reset, with the lines' last written state. */
  asControlLines(): {
    set(lines: { dtr: boolean; rts: boolean }): Promise<void>;
    current(): { dtr: boolean; rts: boolean };
  } {
    return {
      set: (lines) => this.setSignals({ dataTerminalReady: lines.dtr, requestToSend: lines.rts }),
      current: () => ({ dtr: this.lines.dtr, rts: this.lines.rts }),
    };
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    this.readable = null;
    this.writable = null;
    if (port?.isOpen) await port.close();
  }
}
