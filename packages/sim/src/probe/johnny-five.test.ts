import { once } from 'node:events';
import { expectRcReading, type WiringSpec } from '@esphil/device-model';
import { SerialPortStream } from '@serialport/stream';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualBinding } from '../binding/virtual-binding';
import { rcRipplePeakToPeak, rcTauMs } from '../wiring/physics';
import { VirtualWiring } from '../wiring/virtual-wiring';
import { ManualClock } from './clock';
import { VirtualProbe } from './virtual-probe';

const SPEC: WiringSpec = {
  dutVcc: 3.3,
  probe: 'arduino-zero',
  wires: [
    { kind: 'digital', name: 'status LED', dutPin: 2, probePin: 8 },
    { kind: 'rc', name: 'fan PWM', dutPin: 18, probeAnalog: 0, r: 10_000, c: 10e-6 },
    { kind: 'drive', name: 'boot button', probePin: 7, dutPin: 4 },
    { kind: 'analog-drive', name: 'light sensor', probePin: 9, dutPin: 34, r: 10_000, c: 10e-6 },
  ],
};

/** Values a johnny-five read callback delivered, with a way to wait for the next matching one. */
class Readings {
  values: number[] = [];
  private waiters: Array<{ pred: (v: number, all: number[]) => boolean; resolve: (v: number) => void }> = [];
  push = (v: number) => {
    this.values.push(v);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(v, this.values)) return true;
      w.resolve(v);
      return false;
    });
  };
  next(pred: (v: number, all: number[]) => boolean): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }
}

describe('stock johnny-five reads the virtual wiring through the virtual probe', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
  });

  async function bench(seed = 7) {
    const clock = new ManualClock();
    const wiring = new VirtualWiring(SPEC, { seed, clock });
    const probe = new VirtualProbe({ board: SPEC.probe, io: wiring, clock, boot: 'instant' });
    const binding = createVirtualBinding();
    binding.attach('/sim/probe', probe);
    const stream = new SerialPortStream({ binding, path: '/sim/probe', baudRate: 57600 });
    const io = new firmataIo.Firmata(stream, { reportVersionTimeout: 200 });
    const board = new five.Board({ io, repl: false, debug: false, sigint: false });
    cleanup.push(async () => {
      probe.dispose();
      if (stream.isOpen) {
        stream.close();
        await once(stream, 'close');
      }
    });
    await once(board, 'ready');
    return { clock, wiring, probe, board };
  }

  it('reads a digital line driven by a DUT output', async () => {
    const { clock, wiring, board, probe } = await bench();
    const led = new Readings();
    board.pinMode(8, board.MODES.INPUT);
    const first = led.next(() => true);
    board.digitalRead(8, led.push);
    expect(await first).toBe(0); // reporting sends the current value at once

    const high = led.next((v) => v === 1);
    wiring.setDutOutput(2, { level: 1 });
    clock.advance(1); // the next loop() pass sees it
    expect(await high).toBe(1);
    const low = led.next((v) => v === 0);
    wiring.setDutOutput(2, { level: 0 });
    clock.advance(1);
    expect(await low).toBe(0);
    expect(led.values).toEqual([0, 1, 0]);
    expect(probe.stats.versionQueries).toBe(0);
  });

  it('reads a PWM duty through the RC low-pass within tolerance after settling', async () => {
    const { clock, wiring, board, probe } = await bench();
    const fan = new Readings();
    const first = fan.next(() => true);
    board.analogRead(0, fan.push);
    expect(await first).toBeLessThanOrEqual(1); // capacitor empty (±1 LSB noise)

    const fraction = 0.6;
    const freq = 5000;
    const wire = { r: 10_000, c: 10e-6 };
    const expected = expectRcReading({ fraction, dutVcc: SPEC.dutVcc, wire, probe: wiring.probe, freq });
    wiring.setDutOutput(18, { pwm: { freq, fraction } });

    // The simulation itself is tighter than the bench tolerance: ripple + quantisation + 1 LSB noise.
    const simTolerance = expected.ripple + expected.quantisation + 1;

    // About one time constant in (the last 19 ms sample before tau): ~63 % of the way, clearly not settled.
    const tau = rcTauMs(wire.r, wire.c);
    clock.advance(tau);
    const atTau = await fan.next((_, all) => all.length === probe.stats.analogReports);
    const lastSample = Math.floor(tau / 19) * 19;
    expect(Math.abs(atTau - expected.value * (1 - Math.exp(-lastSample / tau)))).toBeLessThanOrEqual(
      simTolerance,
    );
    expect(expected.value - atTau).toBeGreaterThan(expected.tolerance * 5);

    // After device-model's settling time the reading is within the HIL tolerance...
    clock.advance(expected.settleMs - tau);
    const settled = await fan.next((_, all) => all.length === probe.stats.analogReports);
    expect(Math.abs(settled - expected.value)).toBeLessThanOrEqual(expected.tolerance);
    // ...and once fully settled, within the simulation's own error budget.
    clock.advance(tau * 5);
    const final = await fan.next((_, all) => all.length === probe.stats.analogReports);
    expect(Math.abs(final - expected.value)).toBeLessThanOrEqual(simTolerance);
    // Sampling ran at StandardFirmata's 19 ms interval the whole time.
    expect(fan.values.length).toBe(1 + Math.floor((expected.settleMs + tau * 5) / 19));
  });

  it('a 3.3 V DUT high on a 5 V Uno reads as its 3.0 V input threshold says', async () => {
    const clock = new ManualClock();
    const uno = new VirtualWiring({ ...SPEC, probe: 'arduino-uno' }, { clock });
    uno.setDutOutput(2, { level: 1 });
    expect(uno.probeDigital(8)).toBe(1);
    const marginal = new VirtualWiring({ ...SPEC, dutVcc: 2.8, probe: 'arduino-uno' }, { clock });
    marginal.setDutOutput(2, { level: 1 });
    expect(marginal.probeDigital(8)).toBe(0); // 2.8 V sits between VIL 1.5 and VIH 3.0: stays low
    expect(uno.diagnostics.join()).toMatch(/5 V probe drives a 3.3 V DUT pin 4/);
  });

  it('drives a DUT button input and a DUT ADC level from probe outputs', async () => {
    const { clock, wiring, board } = await bench();
    const changes: Array<[number, 0 | 1 | null]> = [];
    wiring.onDutInputChange((pin, level) => changes.push([pin, level]));
    // StandardFirmata boots with digital pins as OUTPUT LOW: the button line reads pressed (low).
    expect(wiring.dutInput(4)).toBe(0);
    board.pinMode(7, board.MODES.OUTPUT);
    board.digitalWrite(7, 1);
    await new Promise((r) => setImmediate(r));
    expect(wiring.dutInput(4)).toBe(1);
    expect(changes).toContainEqual([4, 1]);

    board.pinMode(9, board.MODES.PWM);
    board.analogWrite(9, 128);
    await new Promise((r) => setImmediate(r));
    clock.advance(rcTauMs(10_000, 10e-6) * 10);
    const counts = wiring.dutAnalog(34);
    // 128/255 of 3.3 V into a 12-bit 3.3 V ADC; the 490 Hz ripple through 100 ms is ~10 LSB each way.
    const rippleLsb = rcRipplePeakToPeak(3.3, 128 / 255, 490, rcTauMs(10_000, 10e-6)) / 2 / (3.3 / 4095);
    expect(rippleLsb).toBeGreaterThan(5);
    expect(Math.abs((counts ?? -1) - (128 / 255) * 4095)).toBeLessThanOrEqual(rippleLsb + 2);
  });

  it('an I2C read on the empty bus answers (empty) instead of waiting for ever, as the real firmware does', async () => {
    const { board } = await bench();
    board.i2cConfig();
    const data = await new Promise<number[]>((resolve) => board.i2cReadOnce(0x50, 6, resolve));
    expect(data).toEqual([]);
  });
});
