import { once } from 'node:events';
import type { WiringSpec } from '@esphil/device-model';
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import type { VirtualSerialDevice } from '../binding/types';
import { createVirtualBinding } from '../binding/virtual-binding';
import type { ManualClock } from '../probe/clock';

/** The sim bench's wires on a 5 V Uno probe (the emulated AVR is an Uno). */
export const UNO_SPEC: WiringSpec = {
  dutVcc: 3.3,
  probe: 'arduino-uno',
  wires: [
    { kind: 'digital', name: 'status LED', dutPin: 2, probePin: 2 },
    { kind: 'rc', name: 'fan PWM', dutPin: 18, probeAnalog: 0, r: 10_000, c: 1e-6 },
    { kind: 'drive', name: 'boot button', probePin: 7, dutPin: 4 },
    { kind: 'analog-drive', name: 'light sensor', probePin: 5, dutPin: 34, r: 10_000, c: 1e-6 },
  ],
};

/** Advance a manual clock in small steps, letting the host's promises run in between, until cond holds. */
export async function runUntil(
  clock: ManualClock,
  cond: () => boolean,
  limitMs: number,
  stepMs = 5,
): Promise<number> {
  const start = clock.now();
  while (!cond()) {
    if (clock.now() - start > limitMs) throw new Error(`not reached within ${limitMs} ms of emulated time`);
    clock.advance(stepMs);
    await new Promise((r) => setImmediate(r));
  }
  return clock.now() - start;
}

/**
 * Stock johnny-five + firmata-io on a device attached to a fresh virtual binding, brought to `ready` by
 * advancing the manual clock (johnny-five's own timeouts are set out of the way: only emulated time counts).
 * Returns the board and `close()`, which the caller must run.
 */
export interface ManualBoard {
  io: InstanceType<typeof firmataIo.Firmata>;
  board: InstanceType<typeof five.Board>;
  /** Emulated ms from opening the port to johnny-five's `ready`. */
  readyAfterMs: number;
  close(): Promise<void>;
}

export async function connectOnManualClock(
  device: VirtualSerialDevice & { dispose(): void },
  clock: ManualClock,
): Promise<ManualBoard> {
  const binding = createVirtualBinding();
  binding.attach('/p', device);
  const stream = new SerialPortStream({ binding, path: '/p', baudRate: 57600 });
  const io = new firmataIo.Firmata(stream, { reportVersionTimeout: 5000 });
  const board = new five.Board({ io, repl: false, debug: false, sigint: false, timeout: 1e9 });
  const close = async () => {
    device.dispose();
    if (stream.isOpen) {
      stream.close();
      await once(stream, 'close');
    }
  };
  let ready = false;
  board.once('ready', () => {
    ready = true;
  });
  await once(stream, 'open');
  const readyAfterMs = await runUntil(clock, () => ready, 10_000).catch(async (err) => {
    await close();
    throw err;
  });
  return { io, board, readyAfterMs, close };
}
