import { once } from 'node:events';
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualBinding } from '../binding/virtual-binding';
import { VirtualProbe } from './virtual-probe';

describe('stock johnny-five + firmata-io against the virtual probe', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
  });

  async function connect(board: 'arduino-uno' | 'arduino-zero') {
    const binding = createVirtualBinding();
    const probe = new VirtualProbe({ board, boot: 'instant' });
    binding.attach('/sim/probe', probe);
    const stream = new SerialPortStream({ binding, path: '/sim/probe', baudRate: 57600 });
    // The Firmata object must exist before the port opens: it listens for the board's boot announcement.
    const io = new firmataIo.Firmata(stream, { reportVersionTimeout: 200 });
    const j5 = new five.Board({ io, repl: false, debug: false, sigint: false });
    cleanup.push(async () => {
      probe.dispose();
      if (stream.isOpen) {
        stream.close();
        await once(stream, 'close');
      }
    });
    await once(j5, 'ready');
    return { io, j5, probe };
  }

  it('reaches ready from the boot announcement alone (no version query needed)', async () => {
    const { io, j5, probe } = await connect('arduino-uno');
    expect(j5.isReady).toBe(true);
    expect(io.firmware).toEqual({ name: 'StandardFirmata.ino', version: { major: 2, minor: 5 } });
    expect(io.version).toEqual({ major: 2, minor: 5 });
    expect(io.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    expect(io.RESOLUTION).toMatchObject({ ADC: 1023, PWM: 255 });
    expect(io.pins[13]?.supportedModes).toEqual([0, 1, 4, 11]);
    expect(io.pins[18]?.supportedModes).toEqual([0, 1, 2, 4, 6, 11]); // A4 = SDA
    // The host never had to ask for the version (it would only after reportVersionTimeout).
    expect(probe.stats.versionQueries).toBe(0);
    expect(probe.stats.boots).toBe(1);
  });

  it('reports an Arduino Zero profile the same way', async () => {
    const { io } = await connect('arduino-zero');
    expect(io.pins[4]?.supportedModes).toEqual([0, 1, 3, 4, 11]);
    expect(io.pins[0]?.supportedModes).toEqual([0, 1, 4, 11]); // Serial1 RX is a plain digital pin
    expect(io.pins[20]?.supportedModes).toEqual([6]); // SDA
    expect(io.pins.length).toBe(25);
  });
});
