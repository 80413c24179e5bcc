import { MockBinding } from '@serialport/binding-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { describePort, findPort, guessBoard, listPorts } from './list';
import { FakeBinding } from './test/fake-binding';

describe('guessBoard', () => {
  it.each([
    ['10c4', 'ea60', 'CP210x', 'esp32', true],
    ['1a86', '7523', 'CH340', 'any', true],
    ['1a86', '55d4', 'CH9102', 'esp32', true],
    ['0403', '6001', 'FT232R', 'any', true],
    ['2341', '0043', 'ATmega16U2', 'arduino', true],
    ['303a', '1001', 'ESP32 USB-Serial/JTAG', 'esp32', false],
  ] as const)('%s:%s is %s', (vendorId, productId, chip, family, autoReset) => {
    expect(guessBoard({ vendorId, productId })).toMatchObject({ chip, family, autoReset, exact: true });
  });

  it('ignores case and 0x prefixes', () => {
    expect(guessBoard({ vendorId: '0x10C4', productId: 'EA60' })?.chip).toBe('CP210x');
  });

  it('falls back to the vendor for unknown products', () => {
    expect(guessBoard({ vendorId: '1a86', productId: 'ffff' })).toMatchObject({ chip: 'WCH', exact: false });
  });

  it('knows nothing about ports without USB ids or with unknown vendors', () => {
    expect(guessBoard({ vendorId: undefined, productId: undefined })).toBeNull();
    expect(guessBoard({ vendorId: 'dead', productId: 'beef' })).toBeNull();
  });
});

describe('listPorts / findPort with MockBinding', () => {
  afterEach(() => MockBinding.reset());

  it('lists ports sorted by path with normalised ids and a guess', async () => {
    MockBinding.createPort('/dev/ttyUSB1', { vendorId: '1A86', productId: '7523' });
    MockBinding.createPort('/dev/ttyUSB0', {
      vendorId: '10c4',
      productId: 'ea60',
      manufacturer: 'Silicon Labs',
    });
    MockBinding.createPort('/dev/ttyS0');
    const ports = await listPorts({ binding: MockBinding });
    expect(ports.map((p) => [p.path, p.vendorId, p.productId, p.board?.chip ?? null])).toEqual([
      ['/dev/ttyS0', undefined, undefined, null],
      ['/dev/ttyUSB0', '10c4', 'ea60', 'CP210x'],
      ['/dev/ttyUSB1', '1a86', '7523', 'CH340'],
    ]);
  });

  it('finds by vendor/product id and by path', async () => {
    MockBinding.createPort('/dev/ttyUSB0', { vendorId: '10c4', productId: 'ea60' });
    MockBinding.createPort('/dev/ttyACM0', { vendorId: '2341', productId: '0043' });
    expect((await findPort({ vendorId: '2341', productId: '0043' }, { binding: MockBinding })).path).toBe(
      '/dev/ttyACM0',
    );
    expect((await findPort({ vendorId: '10C4' }, { binding: MockBinding })).path).toBe('/dev/ttyUSB0');
    expect((await findPort({ path: '/dev/ttyACM0' }, { binding: MockBinding })).board?.family).toBe(
      'arduino',
    );
  });

  it("reports 'port_missing' listing what it saw", async () => {
    MockBinding.createPort('/dev/ttyUSB0', { vendorId: '10c4', productId: 'ea60' });
    const err = await findPort({ vendorId: '303a' }, { binding: MockBinding }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'port_missing' });
    expect((err as Error).message).toContain('No serial port matches vendorId=303a');
    expect((err as Error).message).toContain('Ports seen: /dev/ttyUSB0 10c4:ea60 sn=1 (CP210x)');
  });

  it('says so when no ports exist at all', async () => {
    await expect(findPort({ path: '/dev/ttyUSB0' }, { binding: MockBinding })).rejects.toThrow(
      'No serial ports are listed at all',
    );
  });
});

describe('findPort with a custom binding (serial numbers)', () => {
  const twoCp210x = () =>
    new FakeBinding()
      .addPort('/dev/ttyUSB0', { info: { vendorId: '10c4', productId: 'ea60', serialNumber: 'DUT-0001' } })
      .addPort('/dev/ttyUSB1', { info: { vendorId: '10c4', productId: 'ea60', serialNumber: 'PROBE-0002' } });

  it("refuses to guess between two identical adapters with 'port_ambiguous'", async () => {
    const err = await findPort({ vendorId: '10c4', productId: 'ea60' }, { binding: twoCp210x() }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'port_ambiguous' });
    expect((err as Error).message).toContain('sn=DUT-0001');
    expect((err as Error).message).toContain('Add serialNumber or path');
  });

  it('picks the one with the serial number', async () => {
    const port = await findPort({ vendorId: '10c4', serialNumber: 'PROBE-0002' }, { binding: twoCp210x() });
    expect(port.path).toBe('/dev/ttyUSB1');
  });

  it("says udevadm is missing with 'unsupported' instead of blaming a port", async () => {
    const binding = {
      list: async () => {
        throw Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' });
      },
      open: async () => {
        throw new Error('unused');
      },
    };
    const err = await listPorts({ binding }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unsupported' });
    expect((err as Error).message).toContain('apt-get install udev');
  });

  it('describes a port in one line', () => {
    expect(
      describePort({
        path: '/dev/ttyUSB0',
        vendorId: '10c4',
        productId: 'ea60',
        serialNumber: '0001',
        manufacturer: undefined,
        pnpId: undefined,
        locationId: undefined,
        board: guessBoard({ vendorId: '10c4', productId: 'ea60' }),
      }),
    ).toBe('/dev/ttyUSB0 10c4:ea60 sn=0001 (CP210x)');
  });

  it('maps a failing list() to a SerialError', async () => {
    const binding = {
      list: async () => {
        throw new Error('binding exploded');
      },
      open: async () => {
        throw new Error('unused');
      },
    };
    await expect(listPorts({ binding })).rejects.toMatchObject({ code: 'io' });
  });
});
