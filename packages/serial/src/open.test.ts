import { MockBinding } from '@serialport/binding-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SerialError, toSerialError } from './errors';
import { openSerialPort, type SerialConnection } from './open';
import { FakeBinding } from './test/fake-binding';

const nextData = (conn: SerialConnection) =>
  new Promise<string>((resolve) => {
    const off = conn.on('data', (b) => {
      off();
      resolve(Buffer.from(b).toString());
    });
  });

describe('openSerialPort with MockBinding', () => {
  afterEach(() => MockBinding.reset());

  it('opens at 115200 by default, reads and writes', async () => {
    MockBinding.createPort('/dev/ttyUSB0', { record: true });
    const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding: MockBinding });
    expect(conn.isOpen).toBe(true);
    expect(conn.baudRate).toBe(115200);
    const port = conn.stream.port as unknown as import('@serialport/binding-mock').MockPortBinding;
    const got = nextData(conn);
    port.emitData(Buffer.from('boot\r\n'));
    expect(await got).toBe('boot\r\n');
    await conn.write('@esphil {"id":1,"op":"ping"}\r\n');
    await conn.drain();
    expect(port.recording.toString()).toBe('@esphil {"id":1,"op":"ping"}\r\n');
    await conn.close();
    expect(conn.isOpen).toBe(false);
    await conn.close();
  });

  it('keeps output that arrives before anyone listens', async () => {
    MockBinding.createPort('/dev/ttyUSB0');
    const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding: MockBinding });
    const port = conn.stream.port as unknown as import('@serialport/binding-mock').MockPortBinding;
    port.emitData(Buffer.from('early\n'));
    await new Promise((r) => setImmediate(r));
    expect(await nextData(conn)).toBe('early\n');
    await conn.close();
  });

  it("reports a missing port as 'port_missing' with what to run", async () => {
    const err = await openSerialPort({ path: '/dev/ttyUSB9', binding: MockBinding }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SerialError);
    expect(err).toMatchObject({ code: 'port_missing', path: '/dev/ttyUSB9' });
    expect((err as Error).message).toBe(
      'No serial port at /dev/ttyUSB9. Run `hil ports` to list ports; check the cable and udev permissions.',
    );
  });

  it("reports a port opened twice as 'port_busy'", async () => {
    MockBinding.createPort('/dev/ttyUSB0');
    const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding: MockBinding });
    await expect(openSerialPort({ path: '/dev/ttyUSB0', binding: MockBinding })).rejects.toMatchObject({
      code: 'port_busy',
    });
    await conn.close();
  });

  it("refuses writes after close with 'disconnected'", async () => {
    MockBinding.createPort('/dev/ttyUSB0');
    const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding: MockBinding });
    await conn.close();
    await expect(conn.write('x')).rejects.toMatchObject({ code: 'disconnected' });
    await expect(conn.set({ dtr: false, rts: false })).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('rejects a bad baud rate before touching the binding', async () => {
    await expect(
      openSerialPort({ path: '/dev/ttyUSB0', binding: MockBinding, baudRate: 0 }),
    ).rejects.toMatchObject({
      code: 'unsupported',
    });
  });

  it('passes hupcl through to the binding', async () => {
    MockBinding.createPort('/dev/ttyUSB0');
    const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding: MockBinding, hupcl: false });
    expect(conn.stream.port?.openOptions.hupcl).toBe(false);
    await conn.close();
  });
});

describe('openSerialPort with a custom binding', () => {
  it("turns a pulled cable into a 'disconnected' close event", async () => {
    const binding = new FakeBinding().addPort('/dev/ttyACM0');
    const conn = await openSerialPort({ path: '/dev/ttyACM0', binding });
    conn.on('data', () => undefined);
    const closed = new Promise<SerialError | null>((resolve) => conn.on('close', resolve));
    await new Promise((r) => setImmediate(r));
    binding.port('/dev/ttyACM0').unplug();
    const err = await closed;
    expect(err?.code).toBe('disconnected');
    expect(err?.message).toContain('/dev/ttyACM0 disconnected');
    expect(conn.isOpen).toBe(false);
  });

  it("reports set() on a port without modem lines as 'unsupported'", async () => {
    const binding = new FakeBinding().addPort('/dev/pts/3', { noModemLines: true });
    const conn = await openSerialPort({ path: '/dev/pts/3', binding });
    const err = await conn.set({ dtr: false, rts: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unsupported' });
    expect((err as Error).message).toContain('DTR/RTS resets cannot go over a pseudo-terminal');
    await expect(conn.get()).rejects.toMatchObject({ code: 'unsupported' });
    await conn.close();
  });

  it('times out an open that never finishes', async () => {
    const binding = {
      list: async () => [],
      open: () => new Promise<never>(() => undefined),
    };
    await expect(openSerialPort({ path: '/dev/slow', binding, openTimeoutMs: 10 })).rejects.toMatchObject({
      code: 'timeout',
    });
  });
});

describe('toSerialError', () => {
  it.each([
    ['Error: No such file or directory, cannot open /dev/x', 'open', 'port_missing'],
    ["Port does not exist - please call MockBinding.createPort('/dev/x') first", 'open', 'port_missing'],
    ['Error Resource temporarily unavailable Cannot lock port', 'open', 'port_busy'],
    ['Error: Permission denied, cannot open /dev/x', 'open', 'permission'],
    ['Error: Inappropriate ioctl for device, cannot set', 'set', 'unsupported'],
    ['Error: Inappropriate ioctl for device setting custom baud rate of 115200', 'open', 'unsupported'],
    ['Port is not open', 'write', 'disconnected'],
    ['something odd', 'write', 'io'],
  ] as const)('maps "%s" (%s) to %s', (message, op, code) => {
    expect(toSerialError(new Error(message), op, '/dev/x').code).toBe(code);
  });

  it.each([
    ['ENOENT', 'port_missing'],
    ['EBUSY', 'port_busy'],
    ['EACCES', 'permission'],
    ['ENOTTY', 'unsupported'],
    ['EIO', 'disconnected'],
    // custom bindings (e.g. the simulator's) that already speak our vocabulary
    ['port_missing', 'port_missing'],
    ['port_busy', 'port_busy'],
    ['disconnected', 'disconnected'],
  ] as const)('maps error code %s to %s', (errno, code) => {
    expect(toSerialError(Object.assign(new Error('x'), { code: errno }), 'open', '/dev/x').code).toBe(code);
  });

  it('names the dialout group for permission errors', () => {
    expect(toSerialError(new Error('Permission denied'), 'open', '/dev/ttyUSB0').message).toContain(
      'dialout',
    );
  });

  it('passes SerialErrors through unchanged', () => {
    const e = new SerialError('timeout', 'x');
    expect(toSerialError(e, 'open', '/dev/x')).toBe(e);
  });
});
