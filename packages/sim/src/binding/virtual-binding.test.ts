import { once } from 'node:events';
import { SerialPortStream } from '@serialport/stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualBindingError } from './errors';
import { ARDUINO_UNO_PORT_INFO, CP2102_PORT_INFO } from './port-info';
import type { SerialSignals, VirtualOpenContext, VirtualSerialDevice, VirtualSerialLink } from './types';
import { createVirtualBinding, type VirtualPortBinding } from './virtual-binding';

/** A device that records everything and echoes writes upper-cased. */
class RecordingDevice implements VirtualSerialDevice {
  link: VirtualSerialLink | null = null;
  opens: VirtualOpenContext[] = [];
  written: number[] = [];
  signals: SerialSignals[] = [];
  bauds: number[] = [];
  closes = 0;
  constructor(private readonly greeting = '') {}
  onAttach(link: VirtualSerialLink) {
    this.link = link;
  }
  onOpen(ctx: VirtualOpenContext) {
    this.opens.push(ctx);
    if (this.greeting) this.link?.push(this.greeting);
  }
  onData(bytes: Uint8Array) {
    this.written.push(...bytes);
    this.link?.push(Buffer.from(bytes).toString('latin1').toUpperCase());
  }
  onSignals(s: SerialSignals) {
    this.signals.push(s);
  }
  onBaudRate(b: number) {
    this.bauds.push(b);
  }
  onClose() {
    this.closes++;
  }
}

function collect(stream: SerialPortStream, until: string): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes(until)) {
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
  });
}

function openStream(binding: ReturnType<typeof createVirtualBinding>, path: string, baudRate = 115200) {
  return new SerialPortStream({ binding, path, baudRate });
}

describe('createVirtualBinding', () => {
  it('lists attached ports with the USB ids node-serialport would report', async () => {
    const binding = createVirtualBinding();
    binding.attach('/sim/dut', new RecordingDevice(), CP2102_PORT_INFO);
    binding.attach('/sim/probe', new RecordingDevice(), ARDUINO_UNO_PORT_INFO);
    const ports = await binding.list();
    expect(ports.map((p) => [p.path, p.vendorId, p.productId])).toEqual([
      ['/sim/dut', '10c4', 'ea60'],
      ['/sim/probe', '2341', '0043'],
    ]);
    binding.detach('/sim/probe');
    expect((await binding.list()).map((p) => p.path)).toEqual(['/sim/dut']);
  });

  it('carries bytes both ways through SerialPortStream and records the baud rate', async () => {
    const binding = createVirtualBinding();
    const device = new RecordingDevice('hello\n');
    binding.attach('/sim/dut', device);
    const stream = openStream(binding, '/sim/dut', 57600);
    const greeting = collect(stream, 'hello\n');
    await once(stream, 'open');
    expect(await greeting).toBe('hello\n');
    expect(device.opens[0]?.baudRate).toBe(57600);
    expect(device.opens[0]?.signals).toEqual({ dtr: true, rts: true, brk: false });
    expect(device.link?.baudRate).toBe(57600);

    const echoed = collect(stream, 'PING');
    stream.write('ping');
    expect(await echoed).toBe('PING');
    expect(Buffer.from(device.written).toString()).toBe('ping');

    await new Promise<void>((resolve, reject) =>
      stream.update({ baudRate: 115200 }, (e) => (e ? reject(e) : resolve())),
    );
    expect(device.bauds).toEqual([115200]);
    expect(device.link?.baudRate).toBe(115200);
    stream.close();
    await once(stream, 'close');
  });

  it('forwards every set() with all flags resolved and drops DTR/RTS on close (HUPCL)', async () => {
    const binding = createVirtualBinding();
    const device = new RecordingDevice();
    binding.attach('/sim/dut', device);
    const stream = openStream(binding, '/sim/dut');
    await once(stream, 'open');
    await new Promise<void>((resolve, reject) =>
      stream.set({ dtr: false, rts: true }, (e) => (e ? reject(e) : resolve())),
    );
    expect(device.signals).toEqual([{ dtr: false, rts: true, brk: false }]);
    expect(device.link?.signals).toEqual({ dtr: false, rts: true, brk: false });
    stream.close();
    await once(stream, 'close');
    expect(device.signals.at(-1)).toEqual({ dtr: false, rts: false, brk: false });
    expect(device.closes).toBe(1);
    expect(device.link?.isOpen).toBe(false);
  });

  it('close() cancels a parked read and the port can be opened again', async () => {
    const binding = createVirtualBinding();
    const device = new RecordingDevice();
    binding.attach('/sim/dut', device);
    const port = await binding.open({ path: '/sim/dut', baudRate: 115200 });
    const read = port.read(Buffer.alloc(16), 0, 16);
    await port.close();
    await expect(read).rejects.toMatchObject({ canceled: true, code: 'canceled' });
    const again = await binding.open({ path: '/sim/dut', baudRate: 9600 });
    device.link?.push('x');
    const result = await again.read(Buffer.alloc(4), 0, 4);
    expect(result.bytesRead).toBe(1);
    expect(device.opens.map((o) => o.baudRate)).toEqual([115200, 9600]);
  });

  it('a parked read wakes on the device push without polling', async () => {
    const binding = createVirtualBinding();
    const device = new RecordingDevice();
    binding.attach('/sim/dut', device);
    const port = await binding.open({ path: '/sim/dut', baudRate: 115200 });
    const buf = Buffer.alloc(8);
    const read = port.read(buf, 2, 6);
    device.link?.push(Uint8Array.from([1, 2, 3]));
    await expect(read).resolves.toMatchObject({ bytesRead: 3 });
    expect([...buf.subarray(2, 5)]).toEqual([1, 2, 3]);
  });

  it('refuses unknown paths and a second open with stable codes', async () => {
    const binding = createVirtualBinding();
    binding.attach('/sim/dut', new RecordingDevice());
    await expect(binding.open({ path: '/nope', baudRate: 115200 })).rejects.toMatchObject({
      code: 'port_missing',
    });
    await binding.open({ path: '/sim/dut', baudRate: 115200 });
    await expect(binding.open({ path: '/sim/dut', baudRate: 115200 })).rejects.toMatchObject({
      code: 'port_busy',
    });
    await expect(binding.open({ path: '/sim/dut', baudRate: 0 })).rejects.toBeInstanceOf(VirtualBindingError);
  });

  it('unplugging an open port makes SerialPortStream report a disconnect', async () => {
    const binding = createVirtualBinding();
    const device = new RecordingDevice();
    binding.attach('/sim/dut', device);
    const stream = openStream(binding, '/sim/dut');
    stream.on('data', () => undefined);
    await once(stream, 'open');
    const closed = once(stream, 'close');
    binding.detach('/sim/dut');
    const [err] = await closed;
    expect(err).toMatchObject({ disconnected: true });
    expect(device.closes).toBe(1);
  });

  it('a host at the wrong baud rate reads garbage and the device receives garbage', async () => {
    const binding = createVirtualBinding();
    const device = new RecordingDevice('ready');
    binding.attach('/sim/dut', device, CP2102_PORT_INFO, { baudRate: 115200 });
    const wrong = openStream(binding, '/sim/dut', 9600);
    const chunks: Buffer[] = [];
    wrong.on('data', (c: Buffer) => chunks.push(c));
    await once(wrong, 'open');
    wrong.write('hi');
    await new Promise<void>((resolve) => wrong.drain(() => resolve()));
    await new Promise((r) => setImmediate(r));
    const got = Buffer.concat(chunks);
    expect(got.length).toBeGreaterThan(0);
    expect(got.toString('latin1')).not.toContain('ready');
    expect(Buffer.from(device.written).toString('latin1')).not.toBe('hi');
    expect(device.link?.stats.garbledBytes).toBeGreaterThanOrEqual(7);
    // Switching to the right speed fixes it.
    await new Promise<void>((resolve, reject) =>
      wrong.update({ baudRate: 115200 }, (e) => (e ? reject(e) : resolve())),
    );
    const echoed = collect(wrong, 'OK');
    wrong.write('ok');
    expect(await echoed).toContain('OK');
    wrong.close();
    await once(wrong, 'close');
  });

  it('counts bytes pushed while closed and beyond the buffer limit instead of keeping them', async () => {
    const binding = createVirtualBinding({ maxBufferedBytes: 4 });
    const device = new RecordingDevice();
    const link = binding.attach('/sim/dut', device);
    expect(link.push('lost')).toBe(false);
    expect(link.stats.droppedWhileClosed).toBe(4);
    const port = await binding.open({ path: '/sim/dut', baudRate: 115200 });
    expect(link.push('abcdef')).toBe(false);
    expect(link.stats.droppedOverflow).toBe(2);
    const buf = Buffer.alloc(10);
    const { bytesRead } = await port.read(buf, 0, 10);
    expect(buf.subarray(0, bytesRead).toString()).toBe('abcd');
  });

  it('survives random interleavings of open, close, read, write, push and set', async () => {
    type Op = 'open' | 'close' | 'read' | 'write' | 'push' | 'set' | 'flush' | 'detach' | 'attach';
    const ops: Op[] = ['open', 'close', 'read', 'write', 'push', 'set', 'flush', 'detach', 'attach'];
    const knownCodes = new Set([
      'not_open',
      'canceled',
      'port_busy',
      'port_missing',
      'disconnected',
      'overlapping_io',
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...ops), { maxLength: 40 }), async (script) => {
        const binding = createVirtualBinding({ maxBufferedBytes: 64 });
        const device = new RecordingDevice();
        binding.attach('/p', device);
        const held: { port: VirtualPortBinding | null } = { port: null };
        const inflight: Promise<unknown>[] = [];
        const unexpected: unknown[] = [];
        const track = (p: Promise<unknown>) =>
          inflight.push(
            p.catch((e: unknown) => {
              if (!(e instanceof VirtualBindingError) || !knownCodes.has(e.code)) unexpected.push(e);
            }),
          );
        for (const op of script) {
          if (op === 'open') {
            track(binding.open({ path: '/p', baudRate: 115200 }).then((p) => (held.port = p)));
          } else if (op === 'attach') {
            if (!binding.paths().includes('/p')) binding.attach('/p', device);
          } else if (op === 'detach') {
            binding.detach('/p');
          } else if (op === 'push') {
            device.link?.push('zz');
          } else if (held.port) {
            const p = held.port;
            if (op === 'close') track(p.close());
            if (op === 'read') track(p.read(Buffer.alloc(8), 0, 8));
            if (op === 'write') track(p.write(Buffer.from('w')));
            if (op === 'set') track(p.set({ dtr: false, rts: false }));
            if (op === 'flush') track(p.flush());
          }
          if (inflight.length % 3 === 0) await Promise.resolve();
        }
        // Closing whatever is open must settle every parked read.
        if (held.port?.isOpen) track(held.port.close());
        await Promise.all(inflight);
        expect(unexpected).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('SerialPortStream survives random open/close/write/unplug sequences and every close settles', async () => {
    type Op = 'open' | 'close' | 'write' | 'push' | 'unplug' | 'replug' | 'tick';
    const ops: Op[] = ['open', 'close', 'write', 'push', 'unplug', 'replug', 'tick'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...ops), { maxLength: 30 }), async (script) => {
        const binding = createVirtualBinding();
        const device = new RecordingDevice();
        binding.attach('/p', device);
        const stream = new SerialPortStream({ binding, path: '/p', baudRate: 115200, autoOpen: false });
        const errors: Error[] = [];
        stream.on('error', (e: Error) => errors.push(e));
        let received = '';
        stream.on('data', (c: Buffer) => {
          received += c.toString('latin1');
        });
        for (const op of script) {
          if (op === 'open') stream.open(() => undefined);
          if (op === 'close') stream.close(() => undefined);
          if (op === 'write') stream.write('ab', () => undefined);
          if (op === 'push') device.link?.push('xy');
          if (op === 'unplug') binding.detach('/p');
          if (op === 'replug' && !binding.paths().includes('/p')) binding.attach('/p', device);
          if (op === 'tick') await new Promise((r) => setImmediate(r));
        }
        await new Promise((r) => setImmediate(r));
        if (stream.isOpen) {
          await new Promise<void>((resolve) => stream.close(() => resolve()));
        }
        // Whatever happened, the stream ends closed, nothing threw, and only known errors surfaced.
        expect(stream.isOpen).toBe(false);
        for (const e of errors) {
          expect(e.message).toMatch(
            /not open|already open|opening|no virtual device|already open|unplugged|Writing to a closed|closed/i,
          );
        }
        // Bytes arrive intact: device pushes ('xy') and echoes of host writes ('AB'), never torn pairs.
        expect(received).toMatch(/^(xy|AB)*$/);
      }),
      { numRuns: 150 },
    );
  });
});
