import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { bridgeDeviceToStream } from './stream-bridge';
import type { VirtualOpenContext, VirtualSerialDevice, VirtualSerialLink } from './types';

/** One end of an in-memory cable: what the device writes comes out of `host`, what the host writes goes in. */
function cable() {
  const toHost = new PassThrough();
  const toDevice = new PassThrough();
  const deviceEnd = Duplex.from({ readable: toDevice, writable: toHost });
  return { deviceEnd, toHost, toDevice };
}

class Echo implements VirtualSerialDevice {
  link: VirtualSerialLink | null = null;
  opens: VirtualOpenContext[] = [];
  closes = 0;
  onAttach(link: VirtualSerialLink) {
    this.link = link;
  }
  onOpen(ctx: VirtualOpenContext) {
    this.opens.push(ctx);
    this.link?.push('hi');
  }
  onData(bytes: Uint8Array) {
    this.link?.push(bytes);
  }
  onClose() {
    this.closes++;
  }
}

describe('bridgeDeviceToStream', () => {
  it('opens the device at once on a plain stream and carries bytes both ways', async () => {
    const { deviceEnd, toHost, toDevice } = cable();
    const device = new Echo();
    const bridge = bridgeDeviceToStream(device, deviceEnd, { path: '/dev/pts/9', baudRate: 115200 });
    expect(device.opens[0]).toMatchObject({
      baudRate: 115200,
      signals: { dtr: true, rts: true, brk: false },
    });
    const got: string[] = [];
    toHost.on('data', (c: Buffer) => got.push(c.toString()));
    toDevice.write('ping');
    await new Promise((r) => setImmediate(r));
    expect(got.join('')).toBe('hiping');
    expect(bridge.link.stats).toMatchObject({ bytesToHost: 6, bytesFromHost: 4 });
    bridge.close();
    expect(device.closes).toBe(1);
    expect(bridge.link.push('late')).toBe(false);
    expect(bridge.link.stats.droppedWhileClosed).toBe(4);
  });

  it('waits for "open" on a stream that is still opening', () => {
    const { deviceEnd } = cable();
    const opening = Object.assign(deviceEnd, { isOpen: false });
    const device = new Echo();
    bridgeDeviceToStream(device, opening);
    expect(device.opens).toHaveLength(0);
    opening.emit('open');
    expect(device.opens).toHaveLength(1);
  });
});
