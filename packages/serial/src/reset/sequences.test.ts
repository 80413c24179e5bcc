import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSerialPort } from '../open';
import { FakeBinding } from '../test/fake-binding';
import { bootloaderSequence, resetToBootloader, resetToRunMode, runModeSequence } from './sequences';

/** EN and GPIO0 levels of the two-transistor auto-reset circuit for host-side DTR/RTS (true = asserted). */
function pins(dtr: boolean, rts: boolean): { en: 'high' | 'low'; io0: 'high' | 'low' } {
  return { en: rts && !dtr ? 'low' : 'high', io0: dtr && !rts ? 'low' : 'high' };
}

async function openFake() {
  const binding = new FakeBinding().addPort('/dev/ttyUSB0');
  const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding });
  return { conn, port: binding.port('/dev/ttyUSB0') };
}

describe('esptool reset sequences', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('run mode: EN low for 100 ms with GPIO0 high, always setting both lines', async () => {
    const { conn, port } = await openFake();
    const start = Date.now();
    const done = resetToRunMode(conn);
    await vi.advanceTimersByTimeAsync(99);
    expect(port.setCalls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    const calls = port.setCalls.map((c) => ({ at: c.at - start, dtr: c.flags.dtr, rts: c.flags.rts }));
    expect(calls).toEqual([
      { at: 0, dtr: false, rts: true },
      { at: 100, dtr: false, rts: false },
    ]);
    for (const c of port.setCalls)
      expect(Object.keys(c.flags)).toEqual(expect.arrayContaining(['dtr', 'rts']));
    expect(calls.map((c) => pins(c.dtr as boolean, c.rts as boolean))).toEqual([
      { en: 'low', io0: 'high' },
      { en: 'high', io0: 'high' },
    ]);
    await conn.close();
  });

  it('bootloader: reset, then release EN with GPIO0 low for 50 ms, then release GPIO0', async () => {
    const { conn, port } = await openFake();
    const start = Date.now();
    const done = resetToBootloader(conn);
    await vi.advanceTimersByTimeAsync(150);
    await done;
    const calls = port.setCalls.map((c) => ({ at: c.at - start, dtr: c.flags.dtr, rts: c.flags.rts }));
    expect(calls).toEqual([
      { at: 0, dtr: false, rts: true },
      { at: 100, dtr: true, rts: false },
      { at: 150, dtr: false, rts: false },
    ]);
    expect(calls.map((c) => pins(c.dtr as boolean, c.rts as boolean))).toEqual([
      { en: 'low', io0: 'high' },
      { en: 'high', io0: 'low' },
      { en: 'high', io0: 'high' },
    ]);
    await conn.close();
  });

  it('takes injected timings', async () => {
    const { conn, port } = await openFake();
    const done = resetToBootloader(conn, { timings: { resetMs: 250, bootHoldMs: 10 } });
    await vi.advanceTimersByTimeAsync(260);
    await done;
    expect(port.setCalls.map((c) => c.at)).toEqual([0, 250, 260]);
    await conn.close();
  });

  it('takes an injected sleep', async () => {
    const waits: number[] = [];
    const calls: unknown[] = [];
    await resetToRunMode(
      { set: async (l) => void calls.push(l) },
      { sleep: async (ms) => void waits.push(ms), timings: { resetMs: 20 } },
    );
    expect(waits).toEqual([20]);
    expect(calls).toEqual([
      { dtr: false, rts: true },
      { dtr: false, rts: false },
    ]);
  });

  it('never asserts both lines at once (that would be a no-op on the circuit)', () => {
    for (const step of [...runModeSequence(), ...bootloaderSequence()])
      expect(step.dtr && step.rts).toBe(false);
  });

  it("stops at the first step with 'unsupported' on a port without modem lines", async () => {
    const binding = new FakeBinding().addPort('/dev/pts/4', { noModemLines: true });
    const conn = await openSerialPort({ path: '/dev/pts/4', binding });
    await expect(resetToBootloader(conn)).rejects.toMatchObject({ code: 'unsupported' });
    expect(vi.getTimerCount()).toBe(0);
    await conn.close();
  });
});
