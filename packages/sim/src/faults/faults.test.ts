import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DutHarness, startDut } from '../testing/dut';
import { expectRefused, openClient, type TestClient } from '../testing/ws-client';

// One test per fault, each showing the fault's observable effect on a DUT (wires-swapped: bench.test.ts).
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function dutWith(faults: string[], extra: Parameters<typeof startDut>[0] = {}): Promise<DutHarness> {
  const h = await startDut({ faults, ...extra });
  open.push(h);
  return h;
}
async function client(url: string): Promise<TestClient> {
  const c = await openClient(url);
  open.push(c);
  return c;
}

describe('faults', () => {
  it('led-stuck-low: the pin stays low while the device reports the LED on', async () => {
    const h = await dutWith(['led-stuck-low']);
    const c = await client(h.dut.url);
    expect((await c.request('led.set', { led: 'status', on: true })).result).toEqual({
      led: 'status',
      on: true,
    });
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 0 });
  });

  it('led-stuck-high: the pin stays high while the device reports the LED off', async () => {
    const h = await dutWith(['led-stuck-high']);
    const c = await client(h.dut.url);
    await c.request('led.set', { led: 'status', on: false });
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 1 });
  });

  it('pwm-offset: the real duty is off by the given percentage points', async () => {
    const h = await dutWith(['pwm-offset:10']);
    const c = await client(h.dut.url);
    await c.request('pwm.set', { ch: 'fan', duty: 0.5 });
    const out = h.pins.outputs.get(18);
    expect(out?.kind).toBe('pwm');
    if (out?.kind === 'pwm') expect(out.fraction).toBeCloseTo(0.6, 2);
  });

  it('pwm-dead: the PWM pin stays at 0 % whatever is commanded', async () => {
    const h = await dutWith(['pwm-dead']);
    const c = await client(h.dut.url);
    expect((await c.request('pwm.set', { ch: 'fan', duty: 1 })).ok).toBe(true);
    expect(h.pins.outputs.get(18)).toMatchObject({ kind: 'pwm', fraction: 0 });
  });

  it('button-dead: presses never reach the device (a healthy DUT sees the same press)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    for (const [faults, expected] of [
      [[], true],
      [['button-dead'], false],
    ] as const) {
      const h = await dutWith([...faults]);
      h.pins.setInput(4, 0);
      await vi.advanceTimersByTimeAsync(100);
      expect(h.console().includes('"ev":"button"'), faults.join()).toBe(expected);
    }
  });

  it('sensor-frozen: the ADC keeps its first reading', async () => {
    const h = await dutWith(['sensor-frozen']);
    h.pins.setVolts(34, 1.0);
    const c = await client(h.dut.url);
    await c.request('sensor.subscribe', { sensor: 'light', hz: 50 });
    const first = await c.next((f) => f.ev === 'sensor');
    h.pins.setVolts(34, 3.0);
    const later = await c.next((f) => f.ev === 'sensor');
    expect(later.raw).toBe(first.raw);
    expect(first.raw).toBe(1241);
  });

  it('ack-drop: responses are lost while events still arrive', async () => {
    const h = await dutWith(['ack-drop:1']);
    const c = await client(h.dut.url);
    c.send({ id: 5, op: 'led.set', led: 'status', on: true });
    await c.next((f) => f.ev === 'led');
    expect(c.frames.some((f) => f.t === 'res')).toBe(false);
  });

  it('ack-delay: the response is held back for the given time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = await dutWith(['ack-delay:200']);
    const c = await client(h.dut.url);
    c.send({ id: 9, op: 'ping' });
    while (h.dut.server.pendingFrames(0) === 0) await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(199);
    expect(h.dut.server.pendingFrames(0)).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.dut.server.pendingFrames(0)).toBe(0);
    expect(await c.next((f) => f.t === 'res')).toMatchObject({ id: 9, ok: true });
  });

  it('event-drop: events go missing and the seq numbers show the gaps', async () => {
    const h = await dutWith(['event-drop:0.5'], { seed: 3 });
    const c = await client(h.dut.url);
    for (let i = 0; i < 20; i++) await c.request('led.toggle', { led: 'status' });
    await c.request('ping');
    const seqs = c.frames.filter((f) => f.ev === 'led').map((f) => f.seq as number);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThan(20);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(seqs.some((s, i) => s !== i + 1)).toBe(true);
  });

  it('reboot-after: the DUT restarts once (SW reset, new boot id)', async () => {
    const h = await dutWith(['reboot-after:20']);
    const boot1 = h.dut.bootId;
    await new Promise((r) => h.dut.once('ready', r));
    expect(h.dut.bootId).not.toBe(boot1);
    expect(h.console()).toContain('rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)');
    expect(h.dut.boots).toBe(2);
  });

  it('reboot-loop: the app panics after every boot', async () => {
    const h = await dutWith(['reboot-loop']);
    for (let i = 0; i < 2; i++) await new Promise((r) => h.dut.once('ready', r));
    expect(h.dut.boots).toBeGreaterThanOrEqual(3);
    expect(h.console()).toContain('Guru Meditation Error');
  });

  it('wifi-down: WiFi fails, ready line without IP, WebSocket refused', async () => {
    const h = await dutWith(['wifi-down']);
    expect(h.console()).toContain('"status":"failed"');
    expect(h.console()).toContain('"t":"ready","ip":null');
    expect((await expectRefused(h.dut.url)).opened).toBe(false);
    expect(h.dut.phase).toBe('running');
  });

  it('serial-garbage: noise bytes between console lines', async () => {
    const noisy = (text: string) =>
      [...Buffer.from(text, 'latin1')].filter((b) => b >= 0x80 || (b < 0x20 && b !== 0x0a && b !== 0x0d))
        .length;
    for (const [faults, garbage] of [
      [[], false],
      [['serial-garbage'], true],
    ] as const) {
      const h = await dutWith([...faults]);
      const from = h.consoleLength();
      for (let i = 0; i < 20; i++) h.dut.serialWrite(Buffer.from(`@esphil {"id":${i},"op":"ping"}\n`));
      await h.waitConsole(/"id":19,"ok":true/, from);
      expect(noisy(h.console().slice(from)) > 0, faults.join()).toBe(garbage);
    }
  });

  it('corrupt-frames: outgoing frames are mangled (hello stays intact)', async () => {
    const h = await dutWith(['corrupt-frames:1']);
    const c = await client(h.dut.url);
    expect(c.frames[0]!.t).toBe('hello');
    c.send({ id: 1, op: 'ping' });
    const f = await c.next();
    expect(typeof f.text).toBe('string');
    expect(() => JSON.parse(f.text as string)).toThrow();
  });

  it('client-limit: only n clients are served', async () => {
    const h = await dutWith(['client-limit:2']);
    await client(h.dut.url);
    await client(h.dut.url);
    expect((await expectRefused(h.dut.url)).opened).toBe(false);
  });
});
