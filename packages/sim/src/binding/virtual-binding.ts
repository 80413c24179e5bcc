import { VirtualBindingError } from './errors';
import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from './serialport-types';
import type {
  SerialSignals,
  VirtualLinkStats,
  VirtualPortInfo,
  VirtualSerialDevice,
  VirtualSerialLink,
} from './types';

/** Bytes a device may queue for a host that is not reading before further bytes are dropped (and counted). */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

export interface VirtualAttachOptions {
  /**
   * The device UART's fixed speed (e.g. 115200 for the ESP32 console, 57600 for StandardFirmata). A host that
   * opens or updates to another rate reads garbage and the device receives garbage, as on real hardware.
   * Omit to have the device follow the host's rate.
   */
  baudRate?: number;
}

export interface VirtualBindingOptions {
  maxBufferedBytes?: number;
}

// The binding interface's documented default for flags a caller leaves out of set().
const SET_DEFAULTS: SerialSignals = { dtr: true, rts: true, brk: false };
const OPEN_DEFAULTS = {
  dataBits: 8,
  lock: true,
  stopBits: 1,
  parity: 'none',
  rtscts: false,
  xon: false,
  xoff: false,
  xany: false,
  hupcl: true,
} as const;

interface PendingRead {
  buffer: Buffer;
  offset: number;
  length: number;
  resolve: (value: { buffer: Buffer; bytesRead: number }) => void;
  reject: (err: Error) => void;
}

interface Entry {
  path: string;
  device: VirtualSerialDevice;
  info: PortInfo;
  link: Link;
  port: VirtualPortBinding | null;
  /** The device UART's own speed; null = it follows whatever the host opens with. */
  nativeBaudRate: number | null;
  attached: boolean;
}

class Link implements VirtualSerialLink {
  readonly stats: VirtualLinkStats = {
    droppedWhileClosed: 0,
    droppedOverflow: 0,
    bytesToHost: 0,
    bytesFromHost: 0,
    garbledBytes: 0,
  };
  constructor(private readonly entry: () => Entry) {}
  get path(): string {
    return this.entry().path;
  }
  get isOpen(): boolean {
    return this.entry().port?.isLive ?? false;
  }
  get baudRate(): number | null {
    return this.entry().port?.currentBaudRate ?? null;
  }
  get signals(): SerialSignals {
    const port = this.entry().port;
    return port ? { ...port.signals } : { dtr: false, rts: false, brk: false };
  }
  push(bytes: Uint8Array | string): boolean {
    const length = typeof bytes === 'string' ? bytes.length : bytes.byteLength;
    if (length === 0) return true;
    const port = this.entry().port;
    if (!port?.isLive) {
      // Nobody has the port open: the bytes are lost, as on a UART nobody reads (counted, never copied).
      this.stats.droppedWhileClosed += length;
      return false;
    }
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
    const accepted = port.receive(this.garbleIfMismatched(data, port.currentBaudRate));
    this.stats.bytesToHost += accepted;
    this.stats.droppedOverflow += data.length - accepted;
    return accepted === data.length;
  }

  /** The device's UART changed speed (a ROM loader's CHANGE_BAUDRATE): the host must follow or read garbage. */
  setBaudRate(baud: number | null): void {
    this.entry().nativeBaudRate = baud;
  }

  /** Two UARTs at different speeds see framing garbage, not the bytes that were sent. */
  garbleIfMismatched(data: Buffer, hostBaud: number): Buffer {
    const native = this.entry().nativeBaudRate;
    if (native === null || native === hostBaud) return data;
    this.stats.garbledBytes += data.length;
    return garble(data, native, hostBaud);
  }
}

function garble(data: Buffer, a: number, b: number): Buffer {
  // Deterministic and never the original byte: XOR with a nonzero key derived from the speed pair.
  const key = ((a * 31 + b) % 255) + 1;
  return Buffer.from(data.map((byte) => byte ^ key));
}

/** One open handle on a virtual device; the object SerialPortStream calls into. */
export class VirtualPortBinding implements BindingPortInterface {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;
  signals: SerialSignals;
  currentBaudRate: number;
  /** The device has been told about this open (onOpen ran). */
  announced = false;
  private unplugged = false;
  private rx: Buffer[] = [];
  private rxBytes = 0;
  private pendingRead: PendingRead | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly entry: Entry,
    options: Required<OpenOptions>,
    private readonly maxBufferedBytes: number,
  ) {
    this.openOptions = options;
    this.currentBaudRate = options.baudRate;
    this.signals = { dtr: true, rts: true, brk: false };
  }

  /** Open and still plugged in: the device may talk. */
  get isLive(): boolean {
    return this.isOpen && !this.unplugged;
  }

  /** Queue device bytes for the host; returns how many were accepted. */
  receive(data: Buffer): number {
    const room = Math.max(0, this.maxBufferedBytes - this.rxBytes);
    const chunk = data.length > room ? data.subarray(0, room) : data;
    if (chunk.length > 0) {
      this.rx.push(chunk);
      this.rxBytes += chunk.length;
      this.serveRead();
    }
    return chunk.length;
  }

  /** The device vanished (USB unplug): reads fail with a non-canceled error so the stream reports a disconnect. */
  unplug(): void {
    if (!this.isOpen || this.unplugged) return;
    this.unplugged = true;
    this.rx = [];
    this.rxBytes = 0;
    const pending = this.pendingRead;
    this.pendingRead = null;
    pending?.reject(new VirtualBindingError('disconnected', `${this.entry.path} was unplugged`));
  }

  private serveRead(): void {
    const pending = this.pendingRead;
    if (!pending || this.rxBytes === 0) return;
    this.pendingRead = null;
    pending.resolve({
      buffer: pending.buffer,
      bytesRead: this.take(pending.buffer, pending.offset, pending.length),
    });
  }

  private take(buffer: Buffer, offset: number, length: number): number {
    let copied = 0;
    while (copied < length && this.rx.length > 0) {
      const head = this.rx[0]!;
      const n = Math.min(head.length, length - copied);
      head.copy(buffer, offset + copied, 0, n);
      copied += n;
      if (n === head.length) this.rx.shift();
      else this.rx[0] = head.subarray(n);
    }
    this.rxBytes -= copied;
    return copied;
  }

  private assertUsable(op: string): void {
    if (!this.isOpen)
      throw new VirtualBindingError('not_open', `${op} on ${this.entry.path}: port is not open`);
    if (this.unplugged) {
      throw new VirtualBindingError('disconnected', `${op} on ${this.entry.path}: device was unplugged`);
    }
  }

  async read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!Buffer.isBuffer(buffer)) throw new TypeError('"buffer" is not a Buffer');
    if (!Number.isInteger(offset) || offset < 0)
      throw new TypeError('"offset" must be a non-negative integer');
    if (!Number.isInteger(length) || length <= 0) throw new TypeError('"length" must be a positive integer');
    if (buffer.length < offset + length) throw new TypeError('buffer is too small');
    this.assertUsable('read');
    if (this.pendingRead) {
      throw new VirtualBindingError(
        'overlapping_io',
        'a read is already pending; the stream reads one at a time',
      );
    }
    if (this.rxBytes > 0) return { buffer, bytesRead: this.take(buffer, offset, length) };
    // Park until the device pushes, the port closes (canceled) or the device is unplugged (disconnect).
    return new Promise((resolve, reject) => {
      this.pendingRead = { buffer, offset, length, resolve, reject };
    });
  }

  async write(buffer: Buffer): Promise<void> {
    if (!Buffer.isBuffer(buffer)) throw new TypeError('"buffer" is not a Buffer');
    this.assertUsable('write');
    if (this.writing) {
      throw new VirtualBindingError('overlapping_io', 'a write is in flight; SerialPortStream queues writes');
    }
    const copy = new Uint8Array(buffer);
    const op = (async () => {
      // Yield once so a close() issued right after write() cancels it, as with a real driver.
      await Promise.resolve();
      if (!this.isOpen) throw new VirtualBindingError('canceled', 'write canceled: port closed');
      if (this.unplugged) throw new VirtualBindingError('disconnected', 'write failed: device was unplugged');
      this.entry.link.stats.bytesFromHost += copy.length;
      const bytes = this.entry.link.garbleIfMismatched(Buffer.from(copy), this.currentBaudRate);
      this.entry.device.onData?.(new Uint8Array(bytes));
    })();
    this.writing = op;
    try {
      await op;
    } finally {
      this.writing = null;
    }
  }

  async update(options: UpdateOptions): Promise<void> {
    if (typeof options !== 'object' || options === null) throw new TypeError('"options" is not an object');
    if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
      throw new TypeError('"options.baudRate" must be a positive integer');
    }
    this.assertUsable('update');
    this.currentBaudRate = options.baudRate;
    this.entry.device.onBaudRate?.(options.baudRate);
  }

  async set(options: SetOptions): Promise<void> {
    if (typeof options !== 'object' || options === null) throw new TypeError('"options" is not an object');
    this.assertUsable('set');
    this.signals = {
      dtr: options.dtr ?? SET_DEFAULTS.dtr,
      rts: options.rts ?? SET_DEFAULTS.rts,
      brk: options.brk ?? SET_DEFAULTS.brk,
    };
    this.entry.device.onSignals?.({ ...this.signals });
  }

  async get(): Promise<PortStatus> {
    this.assertUsable('get');
    return this.entry.device.status?.() ?? { cts: false, dsr: false, dcd: false };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    this.assertUsable('getBaudRate');
    return { baudRate: this.currentBaudRate };
  }

  async flush(): Promise<void> {
    this.assertUsable('flush');
    this.rx = [];
    this.rxBytes = 0;
  }

  async drain(): Promise<void> {
    this.assertUsable('drain');
    await this.writing?.catch(() => undefined);
  }

  async close(): Promise<void> {
    if (!this.isOpen)
      throw new VirtualBindingError('not_open', `close on ${this.entry.path}: port is not open`);
    this.isOpen = false;
    const pending = this.pendingRead;
    this.pendingRead = null;
    this.rx = [];
    this.rxBytes = 0;
    if (this.entry.port === this) this.entry.port = null;
    pending?.reject(new VirtualBindingError('canceled', 'read canceled: port closed'));
    if (this.unplugged) return;
    // HUPCL drops DTR and RTS on close; the DUT's reset circuit sees that edge.
    if (this.openOptions.hupcl) {
      this.signals = { dtr: false, rts: false, brk: false };
      this.entry.device.onSignals?.({ ...this.signals });
    }
    this.entry.device.onClose?.();
  }
}

export interface VirtualBinding extends BindingInterface<VirtualPortBinding, OpenOptions, PortInfo> {
  /** Plug a device in at `path`. Returns the device's end of the link (also handed to `device.onAttach`). */
  attach(
    path: string,
    device: VirtualSerialDevice,
    info?: VirtualPortInfo,
    opts?: VirtualAttachOptions,
  ): VirtualSerialLink;
  /** Unplug: an open host sees a disconnect; the path disappears from `list()`. */
  detach(path: string): void;
  link(path: string): VirtualSerialLink | undefined;
  paths(): string[];
}

function validateOpenOptions(options: OpenOptions): Required<OpenOptions> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new VirtualBindingError('invalid_options', 'open(options): options must be an object');
  }
  if (typeof options.path !== 'string' || options.path === '') {
    throw new VirtualBindingError('invalid_options', 'open(options): "path" must be a non-empty string');
  }
  if (!Number.isInteger(options.baudRate) || options.baudRate <= 0) {
    throw new VirtualBindingError('invalid_options', 'open(options): "baudRate" must be a positive integer');
  }
  return { ...OPEN_DEFAULTS, ...options } as Required<OpenOptions>;
}

/**
 * A serialport binding whose ports are virtual devices in this process. Pass it as `binding` to
 * SerialPortStream (or @esphil/serial's openSerialPort) and the host code runs unchanged.
 */
export function createVirtualBinding(opts: VirtualBindingOptions = {}): VirtualBinding {
  const maxBufferedBytes = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  if (!Number.isInteger(maxBufferedBytes) || maxBufferedBytes <= 0) {
    throw new VirtualBindingError('invalid_options', 'maxBufferedBytes must be a positive integer');
  }
  const entries = new Map<string, Entry>();

  return {
    attach(path, device, info = {}, attachOpts = {}) {
      const native = attachOpts.baudRate ?? null;
      if (native !== null && (!Number.isInteger(native) || native <= 0)) {
        throw new VirtualBindingError('invalid_options', 'attach(): baudRate must be a positive integer');
      }
      if (typeof path !== 'string' || path === '') {
        throw new VirtualBindingError('invalid_options', 'attach(path): path must be a non-empty string');
      }
      if (entries.has(path)) {
        throw new VirtualBindingError('port_busy', `attach(${path}): a device is already attached there`);
      }
      const entry: Entry = {
        path,
        device,
        info: {
          path,
          manufacturer: info.manufacturer,
          serialNumber: info.serialNumber,
          pnpId: info.pnpId,
          locationId: info.locationId,
          productId: info.productId,
          vendorId: info.vendorId,
        },
        link: new Link(() => entry),
        port: null,
        attached: true,
        nativeBaudRate: native,
      };
      entries.set(path, entry);
      device.onAttach?.(entry.link);
      return entry.link;
    },

    detach(path) {
      const entry = entries.get(path);
      if (!entry) return;
      entries.delete(path);
      entry.attached = false;
      const port = entry.port;
      entry.port = null;
      if (port) {
        port.unplug();
        if (port.announced) entry.device.onClose?.();
      }
    },

    link(path) {
      return entries.get(path)?.link;
    },

    paths() {
      return [...entries.keys()];
    },

    async list() {
      return [...entries.values()].map((e) => ({ ...e.info }));
    },

    async open(options) {
      const resolved = validateOpenOptions(options);
      const entry = entries.get(resolved.path);
      if (!entry) {
        throw new VirtualBindingError(
          'port_missing',
          `no virtual device at ${resolved.path}; attached: ${[...entries.keys()].join(', ') || 'none'}`,
        );
      }
      if (entry.port) {
        throw new VirtualBindingError(
          'port_busy',
          `${resolved.path} is already open; close the other handle first`,
        );
      }
      // Claim the port before yielding so two racing opens cannot both succeed.
      const port = new VirtualPortBinding(entry, resolved, maxBufferedBytes);
      entry.port = port;
      await Promise.resolve();
      if (!entry.attached || entry.port !== port) {
        throw new VirtualBindingError('port_missing', `${resolved.path} was unplugged while opening`);
      }
      port.announced = true;
      entry.device.onOpen?.({ baudRate: resolved.baudRate, options: resolved, signals: { ...port.signals } });
      return port;
    },
  };
}
