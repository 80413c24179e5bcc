import { once } from 'node:events';
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_SIM_WIRING,
  defaultProbeBoot,
  type SimBench,
  type SimBenchOptions,
  startSimBench,
} from './bench';
import { ManualClock } from './probe/clock';
import { VirtualProbe } from './probe/virtual-probe';
import { openClient, type TestClient } from './testing/ws-client';
import { expectRcCounts } from './wiring/physics';

/** Values a johnny-five read callback delivered, awaitable. */
class Readings {
  values: number[] = [];
  private waiters: { pred: (v: number) => boolean; resolve: (v: number) => void }[] = [];
  push = (v: number): void => {
    this.values.push(v);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(v)) return true;
      w.resolve(v);
      return false;
    });
  };
  next(pred: (v: number) => boolean = () => true): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function benchWithBoard(opts: SimBenchOptions = {}) {
  const clock = new ManualClock();
  const bench: SimBench = await startSimBench({ clock, latency: 'zero', ...opts });
  cleanup.push(() => bench.close());
  const stream = new SerialPortStream({ binding: bench.binding, path: bench.probePath, baudRate: 57600 });
  const io = new firmataIo.Firmata(stream, { reportVersionTimeout: 200 });
  const board = new five.Board({ io, repl: false, debug: false, sigint: false });
  cleanup.push(async () => {
    if (stream.isOpen) {
      stream.close();
      await once(stream, 'close');
    }
  });
  await once(board, 'ready');
  const ws: TestClient = await openClient(bench.url);
  cleanup.push(() => ws.close());
  return { bench, clock, board, ws };
}

/** The reading of the probe's latest analog report (all reports produced so far have arrived). */
function latest(r: Readings, bench: SimBench): Promise<number> {
  if (r.values.length === virtualProbe(bench).stats.analogReports) return Promise.resolve(r.values.at(-1)!);
  return r.next(() => r.values.length + 1 >= virtualProbe(bench).stats.analogReports);
}

const FAN = DEFAULT_SIM_WIRING.wires[1] as { r: number; c: number };

function virtualProbe(bench: SimBench): VirtualProbe {
  if (!(bench.probe instanceof VirtualProbe)) throw new Error('expected the virtual probe');
  return bench.probe;
}

describe('startSimBench: DUT + probe + wiring, read by stock johnny-five', () => {
  it('johnny-five reads the status LED line and the fan duty through the RC filter', async () => {
    const { bench, clock, board, ws } = await benchWithBoard();
    const led = new Readings();
    board.pinMode(2, board.MODES.INPUT);
    const first = led.next();
    board.digitalRead(2, led.push);
    expect(await first).toBe(0);
    const high = led.next((v) => v === 1);
    await ws.request('led.set', { led: 'status', on: true });
    clock.advance(1); // the probe's loop() polls its inputs
    expect(await high).toBe(1);

    const fan = new Readings();
    board.analogRead(0, fan.push);
    await fan.next();
    await ws.request('pwm.set', { ch: 'fan', duty: 0.6 });
    const expected = expectRcCounts({
      fraction: 0.6,
      dutVcc: 3.3,
      freqHz: 5000,
      r: FAN.r,
      c: FAN.c,
      probe: bench.wiring.probe,
    });
    clock.advance(expected.settleMs + 20);
    const reading = await latest(fan, bench);
    expect(Math.abs(reading - expected.value)).toBeLessThanOrEqual(expected.tolerance);
  });

  it('the probe presses the DUT button and sets the DUT sensor level', async () => {
    const { bench, board, ws, clock } = await benchWithBoard();
    // StandardFirmata boots with its pins as OUTPUT LOW (button pressed); release it and let the DUT agree first.
    board.pinMode(7, board.MODES.OUTPUT);
    board.digitalWrite(7, 1);
    for (;;) {
      const st = await ws.request('state.get');
      if (
        (st.result as { buttons: { boot: boolean } }).buttons.boot === false &&
        bench.wiring.dutInput(4) === 1
      )
        break;
    }
    const from = ws.frames.length;
    board.digitalWrite(7, 0);
    expect(await ws.next((f) => f.ev === 'button' && ws.frames.indexOf(f) >= from)).toMatchObject({
      button: 'boot',
      pressed: true,
    });
    board.digitalWrite(7, 1);
    expect(
      await ws.next((f) => f.ev === 'button' && f.pressed === false && ws.frames.indexOf(f) >= from),
    ).toMatchObject({ button: 'boot' });
    board.pinMode(5, board.MODES.PWM);
    board.analogWrite(5, 255);
    // The write travels through the serial stream: let it reach the probe before time moves.
    while (virtualProbe(bench).pin(5)?.state !== 255) await new Promise((r) => setImmediate(r));
    clock.advance(2_000);
    await ws.request('sensor.subscribe', { sensor: 'light', hz: 20 });
    const ev = await ws.next((f) => f.ev === 'sensor' && (f.raw as number) > 4000);
    expect(ev.raw).toBeGreaterThan(4000);
  });

  it('wires-swapped: the LED line lands on the PWM probe pin and vice versa', async () => {
    const { bench, clock, board, ws } = await benchWithBoard({ faults: ['wires-swapped'] });
    const led = new Readings();
    board.pinMode(2, board.MODES.INPUT);
    board.digitalRead(2, led.push);
    const fan = new Readings();
    board.analogRead(0, fan.push);
    await Promise.all([led.next(), fan.next()]);
    await ws.request('led.set', { led: 'status', on: true });
    const expected = expectRcCounts({
      fraction: 1,
      dutVcc: 3.3,
      freqHz: 5000,
      r: FAN.r,
      c: FAN.c,
      probe: bench.wiring.probe,
    });
    clock.advance(expected.settleMs + 40);
    const a0 = await latest(fan, bench);
    expect(Math.abs(a0 - expected.value)).toBeLessThanOrEqual(expected.tolerance);
    expect(led.values.at(-1)).toBe(0);
    expect(bench.faults.map((f) => f.name)).toEqual(['wires-swapped']);
  });

  it('exposes the DUT console on the binding at /sim/dut', async () => {
    const bench = await startSimBench({ latency: 'zero' });
    cleanup.push(() => bench.close());
    const port = new SerialPortStream({ binding: bench.binding, path: bench.dutPath, baudRate: 115200 });
    cleanup.push(async () => {
      if (port.isOpen) {
        port.close();
        await once(port, 'close');
      }
    });
    await once(port, 'open');
    let rx = '';
    port.on('data', (d: Buffer) => {
      rx += d.toString('latin1');
    });
    port.write('@esphil {"id":1,"op":"info"}\r\n');
    while (!rx.includes('"id":1')) await once(port, 'data');
    expect(rx).toMatch(/@esphil \{"t":"res","id":1,"ok":true,"result":\{"fw"/);
    expect(await bench.binding.list()).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: '/sim/dut', vendorId: '10c4' })]),
    );
  });

  it('wire faults act on the bench wiring (what the probe sees), not on what the device reports', async () => {
    const clock = new ManualClock();
    const make = async (fault: string) => {
      const b = await startSimBench({ clock, latency: 'zero', faults: [fault] });
      cleanup.push(() => b.close());
      const ws = await openClient(b.url);
      cleanup.push(() => ws.close());
      return { b, ws };
    };
    {
      const { b, ws } = await make('led-stuck-high');
      await ws.request('led.set', { led: 'status', on: false });
      expect(b.wiring.probeDigital(2)).toBe(1);
    }
    {
      const { b, ws } = await make('led-stuck-low');
      expect((await ws.request('led.set', { led: 'status', on: true })).ok).toBe(true);
      expect(b.wiring.probeDigital(2)).toBe(0);
    }
    for (const [fault, fraction] of [
      ['pwm-offset:-20', 0.3],
      ['pwm-dead', 0],
    ] as const) {
      const { b, ws } = await make(fault);
      await ws.request('pwm.set', { ch: 'fan', duty: 0.5 });
      clock.advance(2_000);
      expect(b.wiring.probeVoltage(0)! / 3.3, fault).toBeCloseTo(fraction, 1);
    }
    {
      const { b } = await make('button-dead');
      b.wiring.setProbeOutput(7, { level: 0 });
      expect(b.wiring.dutInput(4)).toBeNull();
    }
    {
      const { b } = await make('sensor-frozen');
      const before = b.wiring.dutVoltage(34);
      b.wiring.setProbeOutput(5, { pwm: 1 });
      clock.advance(2_000);
      expect(b.wiring.dutVoltage(34)).toBe(before);
    }
  });
});

describe('startSimBench probe boot', () => {
  it('the zero latency profile boots the probe at once; the wifi profiles use the real ~2.1 s Firmata boot', async () => {
    expect(defaultProbeBoot('zero')).toBe('instant');
    expect(defaultProbeBoot('wifi')).toBe('firmata');
    expect(defaultProbeBoot('wifi-powersave')).toBe('firmata');
    const clock = new ManualClock();
    const bench = await startSimBench({ clock, latency: 'zero', probe: { boot: 'firmata' } });
    try {
      const port = await bench.binding.open({ path: bench.probePath, baudRate: 57600 });
      clock.advance(2124);
      expect(virtualProbe(bench).isRunning).toBe(false);
      clock.advance(1);
      expect(virtualProbe(bench).isRunning).toBe(true);
      await port.close();
    } finally {
      await bench.close();
    }
  });
});

describe('startSimBench with the emulated AVR probe', () => {
  it('refuses a non-Uno wiring and a missing hex with bad_option', async () => {
    await expect(startSimBench({ latency: 'zero', probe: { avr: {} } })).rejects.toMatchObject({
      code: 'bad_option',
    });
    await expect(
      startSimBench({
        latency: 'zero',
        wiring: { ...DEFAULT_SIM_WIRING, probe: 'arduino-uno' },
        probe: { avr: { hex: '/nonexistent/firmata.hex' } },
      }),
    ).rejects.toMatchObject({
      code: 'bad_option',
      message: expect.stringContaining('/nonexistent/firmata.hex'),
    });
  });
});
