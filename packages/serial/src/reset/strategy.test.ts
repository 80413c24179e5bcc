import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { guessBoard } from '../list';
import { openSerialPort } from '../open';
import { FakeBinding } from '../test/fake-binding';
import { runResetSequence } from './sequences';
import { connectResetPlan, isUsbJtagSerial } from './strategy';

/** EN and GPIO0 of the two-transistor auto-reset circuit for host-side DTR/RTS (1 = asserted). */
const pins = (dtr: boolean, rts: boolean) => ({
  en: rts && !dtr ? 'low' : 'high',
  io0: dtr && !rts ? 'low' : 'high',
});

/** Plays a plan entry on a recording binding, opened like a real port (both lines asserted), with fake time. */
async function record(strategy: Parameters<typeof connectResetPlan>[0], index = 0) {
  const binding = new FakeBinding().addPort('/dev/ttyUSB0');
  const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding });
  const port = binding.port('/dev/ttyUSB0');
  const attempt = connectResetPlan(strategy)[index];
  if (!attempt) throw new Error(`no attempt ${index} for ${strategy}`);
  const start = Date.now();
  const done = runResetSequence(conn, attempt.steps({ dtr: true, rts: true }));
  await vi.advanceTimersByTimeAsync(1_000);
  await done;
  await conn.close();
  return {
    label: attempt.label,
    calls: port.setCalls.map((c) => [c.at - start, Number(c.flags.dtr), Number(c.flags.rts)]),
  };
}

describe('esptool reset strategies (esptool v5.1.0 reset.py)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tight-unix 50 ms: (0,0) (1,1) (0,1), 100 ms, (1,0), 50 ms, (0,0), then DTR=0 again', async () => {
    const r = await record('tight-unix', 0);
    expect(r.label).toBe('tight-unix 50 ms');
    expect(r.calls).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
      [100, 1, 0],
      [150, 0, 0],
      [150, 0, 0],
    ]);
    // EN rises in the same write that pulls GPIO0 low.
    expect(pins(true, false)).toEqual({ en: 'high', io0: 'low' });
  });

  it('tight-unix retry variant holds GPIO0 low for 550 ms', async () => {
    const r = await record('tight-unix', 1);
    expect(r.label).toBe('tight-unix 550 ms');
    expect(r.calls.at(-2)).toEqual([650, 0, 0]);
    expect(r.calls[3]).toEqual([100, 1, 0]);
  });

  it('classic: one line per write, RTS writes followed by a DTR rewrite, passing through (1,1)', async () => {
    const r = await record('classic', 0);
    expect(r.label).toBe('classic 50 ms');
    expect(r.calls).toEqual([
      [0, 0, 1], // D0
      [0, 0, 1], // R1
      [0, 0, 1], // setDTR(port.dtr) after setRTS (usbser.sys work-around, reset.py:71-76)
      [100, 1, 1], // D1: EN released, GPIO0 still high for one write
      [100, 1, 0], // R0
      [100, 1, 0],
      [150, 0, 0], // D0 after the boot hold
    ]);
    expect(pins(true, true)).toEqual({ en: 'high', io0: 'high' });
    expect((await record('classic', 1)).calls.at(-1)).toEqual([650, 0, 0]);
  });

  it('usb-jtag: idle, set IO0, reset through (1,1), release; 100 ms between groups', async () => {
    const r = await record('usb-jtag');
    expect(r.calls).toEqual([
      [0, 1, 0], // R0
      [0, 1, 0],
      [0, 0, 0], // D0: idle
      [100, 1, 0], // D1: set IO0
      [100, 1, 0], // R0
      [100, 1, 0],
      [200, 1, 1], // R1 (reached through (1,1), not (0,0))
      [200, 1, 1],
      [200, 0, 1], // D0
      [200, 0, 1], // R1 again (Windows propagates DTR only on an RTS write)
      [200, 0, 1],
      [300, 0, 1], // D0
      [300, 0, 0], // R0: out of reset
      [300, 0, 0],
    ]);
  });

  it('auto: USB-Serial/JTAG for 303a:1001, esptool four-entry cycle for a USB-UART bridge', () => {
    expect(connectResetPlan('auto', { vendorId: 0x303a, productId: 0x1001 }).map((a) => a.label)).toEqual([
      'usb-jtag',
    ]);
    expect(connectResetPlan('auto', { vendorId: '10c4', productId: 'ea60' }).map((a) => a.label)).toEqual([
      'tight-unix 50 ms',
      'tight-unix 550 ms',
      'classic 50 ms',
      'classic 550 ms',
    ]);
    expect(connectResetPlan('auto').map((a) => a.label)).toHaveLength(4);
    expect(connectResetPlan('none')).toEqual([]);
    expect(connectResetPlan('classic').map((a) => a.label)).toEqual(['classic 50 ms', 'classic 550 ms']);
  });

  it('agrees with guessBoard: the ports it marks autoReset:false by Espressif ids are USB-Serial/JTAG', () => {
    const ids = { vendorId: '303a', productId: '1001' };
    expect(guessBoard(ids)?.autoReset).toBe(false);
    expect(isUsbJtagSerial(ids)).toBe(true);
    expect(isUsbJtagSerial({ vendorId: '0x303A', productId: '0x1001' })).toBe(true);
    expect(isUsbJtagSerial({ vendorId: '10c4', productId: 'ea60' })).toBe(false);
    expect(isUsbJtagSerial({ vendorId: 'zz', productId: 'ea60' })).toBe(false);
    expect(isUsbJtagSerial({})).toBe(false);
  });
});
