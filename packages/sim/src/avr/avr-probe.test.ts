import type { WiringSpec } from '@esphil/device-model';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../probe/clock';
import { connectOnManualClock, runUntil, UNO_SPEC } from '../testing/manual-board';
import { VirtualWiring } from '../wiring/virtual-wiring';
import { AvrProbe } from './avr-probe';

const SPEC: WiringSpec = UNO_SPEC;

describe('AvrProbe: the real StandardFirmata hex on an emulated ATmega328P', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0)) await fn();
  });

  async function bench() {
    const clock = new ManualClock();
    const wiring = new VirtualWiring(SPEC, { clock, noiseLsb: 0 });
    const probe = new AvrProbe({ io: wiring, clock });
    const c = await connectOnManualClock(probe, clock);
    cleanup.push(c.close);
    return { clock, wiring, probe, ...c };
  }

  it('boots the avrgirl-arduino image (Firmata 2.4) and johnny-five reaches ready after the version blink', async () => {
    const { io, probe, readyAfterMs } = await bench();
    expect(io.version).toEqual({ major: 2, minor: 4 });
    expect(io.firmware.name).toBe('StandardFirmata.ino');
    expect(io.analogPins).toEqual([14, 15, 16, 17, 18, 19]);
    expect(probe.stats.boots).toBe(1);
    // 2 + 4 blinks: 210 * 6 + 40 * 6 + 250 + 125 = 1,875 ms, then the capability round trips.
    expect(readyAfterMs).toBeGreaterThan(1800);
    expect(readyAfterMs).toBeLessThan(2600);
  });

  it('reads a DUT output through a digital wire and drives a DUT input from a probe output', async () => {
    const { clock, wiring, board } = await bench();
    const seen: number[] = [];
    board.pinMode(2, board.MODES.INPUT);
    board.digitalRead(2, (v) => seen.push(v));
    await runUntil(clock, () => seen.length > 0, 200);
    wiring.setDutOutput(2, { level: 1 });
    await runUntil(clock, () => seen.at(-1) === 1, 200);
    board.pinMode(7, board.MODES.OUTPUT);
    board.digitalWrite(7, 1);
    await runUntil(clock, () => wiring.dutInput(4) === 1, 200);
    board.digitalWrite(7, 0);
    await runUntil(clock, () => wiring.dutInput(4) === 0, 200);
  });

  it('reads an RC-filtered DUT level on A0 and puts analogWrite out as PWM on pin 5', async () => {
    const { clock, wiring, board } = await bench();
    const a0: number[] = [];
    board.analogRead(0, (v) => a0.push(v));
    wiring.setDutOutput(18, { level: 1 });
    await runUntil(clock, () => (a0.at(-1) ?? 0) === Math.floor((3.3 * 1024) / 5), 1000);
    board.pinMode(5, board.MODES.PWM);
    board.analogWrite(5, 128);
    await runUntil(clock, () => (wiring.dutVoltage(34) ?? 0) > 2.0, 1000);
    expect(wiring.dutVoltage(34)).toBeLessThan(3.0);
  });
});
