/**
 * A small serialport binding for tests: records set() calls with the (fake) clock, lets a test script the
 * device's answers to writes, and can fail set() like a pty or pull the cable.
 */
import type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
} from '../binding';

export interface SetCall {
  at: number;
  flags: SetOptions;
}

export interface FakePortOptions {
  info?: Partial<PortInfo>;
  /** Called with every write; may answer through port.emit(). */
  onWrite?: (bytes: Uint8Array, port: FakePort) => void;
  /** Make set()/get() fail like a pseudo-terminal. */
  noModemLines?: boolean;
  /** Called before every set() is recorded; throwing fails that set() (a device leaving the bus). */
  onSet?: (flags: SetOptions, port: FakePort) => void;
}

class CanceledError extends Error {
  readonly canceled = true;
}

export class FakePort implements BindingPortInterface {
  readonly openOptions: Required<OpenOptions>;
  isOpen = true;
  readonly setCalls: SetCall[] = [];
  readonly written: Buffer[] = [];
  private queue: Buffer[] = [];
  private pendingRead:
    | {
        buffer: Buffer;
        offset: number;
        length: number;
        resolve: (r: { buffer: Buffer; bytesRead: number }) => void;
        reject: (e: Error) => void;
      }
    | undefined;
  private readonly opts: FakePortOptions;

  constructor(openOptions: Required<OpenOptions>, opts: FakePortOptions) {
    this.openOptions = openOptions;
    this.opts = opts;
  }

  /** Device -> host bytes. */
  emit(data: Uint8Array | string): void {
    this.queue.push(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));
    this.pump();
  }

  /** The cable is pulled: the pending read fails with a non-canceled error. */
  unplug(): void {
    const r = this.pendingRead;
    this.pendingRead = undefined;
    r?.reject(Object.assign(new Error('Input/output error'), { code: 'EIO' }));
  }

  get writtenBytes(): Buffer {
    return Buffer.concat(this.written);
  }

  private pump(): void {
    const r = this.pendingRead;
    const head = this.queue[0];
    if (!r || !head) return;
    const n = Math.min(r.length, head.length);
    head.copy(r.buffer, r.offset, 0, n);
    if (n === head.length) this.queue.shift();
    else this.queue[0] = head.subarray(n);
    this.pendingRead = undefined;
    r.resolve({ buffer: r.buffer, bytesRead: n });
  }

  async close(): Promise<void> {
    this.isOpen = false;
    const r = this.pendingRead;
    this.pendingRead = undefined;
    r?.reject(new CanceledError('port closed'));
  }

  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
    if (!this.isOpen) return Promise.reject(new CanceledError('port closed'));
    return new Promise((resolve, reject) => {
      this.pendingRead = { buffer, offset, length, resolve, reject };
      this.pump();
    });
  }

  async write(buffer: Buffer): Promise<void> {
    if (!this.isOpen) throw new CanceledError('port closed');
    const copy = Buffer.from(buffer);
    this.written.push(copy);
    this.opts.onWrite?.(new Uint8Array(copy), this);
  }

  async update(): Promise<void> {}

  async set(flags: SetOptions): Promise<void> {
    if (this.opts.noModemLines) throw new Error('Error: Inappropriate ioctl for device, cannot set');
    this.opts.onSet?.(flags, this);
    this.setCalls.push({ at: Date.now(), flags: { ...flags } });
  }

  async get(): Promise<PortStatus> {
    if (this.opts.noModemLines) throw new Error('Error: Inappropriate ioctl for device, cannot get');
    return { cts: false, dsr: false, dcd: false };
  }

  async getBaudRate(): Promise<{ baudRate: number }> {
    return { baudRate: this.openOptions.baudRate };
  }

  async flush(): Promise<void> {
    this.queue = [];
  }

  async drain(): Promise<void> {}
}

export class FakeBinding implements BindingInterface {
  private readonly ports = new Map<string, FakePortOptions>();
  readonly opened = new Map<string, FakePort>();

  addPort(path: string, opts: FakePortOptions = {}): this {
    this.ports.set(path, opts);
    return this;
  }

  async list(): Promise<PortInfo[]> {
    return [...this.ports].map(([path, o]) => ({
      path,
      manufacturer: undefined,
      serialNumber: undefined,
      pnpId: undefined,
      locationId: undefined,
      productId: undefined,
      vendorId: undefined,
      ...o.info,
    }));
  }

  async open(options: OpenOptions): Promise<FakePort> {
    const opts = this.ports.get(options.path);
    if (!opts) throw new Error(`Error: No such file or directory, cannot open ${options.path}`);
    if (this.opened.get(options.path)?.isOpen)
      throw new Error('Error Resource temporarily unavailable Cannot lock port');
    const port = new FakePort(
      {
        dataBits: 8,
        lock: true,
        stopBits: 1,
        parity: 'none',
        rtscts: false,
        xon: false,
        xoff: false,
        xany: false,
        hupcl: true,
        ...options,
      },
      opts,
    );
    this.opened.set(options.path, port);
    return port;
  }

  /** The device leaves the bus: its path is gone until addPort() again. */
  removePort(path: string): this {
    this.ports.delete(path);
    return this;
  }

  port(path: string): FakePort {
    const p = this.opened.get(path);
    if (!p) throw new Error(`test: ${path} was not opened`);
    return p;
  }
}
