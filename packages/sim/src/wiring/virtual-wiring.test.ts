import type { WiringSpec } from '@esphil/device-model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../probe/clock';
import { type WireOverride, WiringError } from './overrides';
import { rcTauMs } from './physics';
import { VirtualWiring } from './virtual-wiring';

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
const TAU = rcTauMs(10_000, 10e-6);
const SETTLED = TAU * 10;

function make(opts: { seed?: number; noiseLsb?: number } = {}) {
  const clock = new ManualClock();
  const wiring = new VirtualWiring(SPEC, { clock, noiseLsb: 0, ...opts });
  return { clock, wiring };
}

describe('VirtualWiring', () => {
  it('undriven and unwired lines float (null) instead of inventing a level', () => {
    const { wiring } = make();
    expect(wiring.probeDigital(8)).toBeNull(); // DUT has not driven pin 2 yet
    expect(wiring.probeDigital(12)).toBeNull(); // no wire
    expect(wiring.dutInput(4)).toBeNull();
    expect(wiring.dutAnalog(35)).toBeNull();
    wiring.setDutOutput(2, { level: 1 });
    expect(wiring.probeDigital(8)).toBe(1);
    wiring.setDutOutput(2, { highZ: true });
    expect(wiring.probeDigital(8)).toBeNull();
  });

  it('the RC node charges with tau = RC, holds its charge when the source floats, and discharges', () => {
    const { clock, wiring } = make();
    wiring.setDutOutput(18, { level: 1 });
    clock.advance(TAU);
    expect(wiring.probeVoltage(0)).toBeCloseTo(3.3 * (1 - Math.exp(-1)), 6);
    wiring.setDutOutput(18, { highZ: true });
    const held = wiring.probeVoltage(0);
    clock.advance(1000);
    expect(wiring.probeVoltage(0)).toBe(held);
    wiring.setDutOutput(18, { level: 0 });
    clock.advance(TAU);
    expect(wiring.probeVoltage(0)).toBeCloseTo((held ?? 0) * Math.exp(-1), 6);
  });

  it('PWM through RC settles at duty x Vdut in probe counts', () => {
    const { clock, wiring } = make();
    wiring.setDutOutput(18, { pwm: { freq: 5000, fraction: 0.25 } });
    clock.advance(SETTLED);
    expect(Math.abs((wiring.probeAnalog(0) ?? -1) - 0.25 * 1023)).toBeLessThanOrEqual(1);
  });

  it('a PWM signal on a direct digital line reads high for the duty share of the period', () => {
    const { clock, wiring } = make();
    wiring.setDutOutput(2, { pwm: { freq: 1000, fraction: 0.3 } });
    let high = 0;
    for (let k = 0; k < 1000; k++) {
      clock.advance(0.0101); // not a divisor of the period, so samples sweep all phases
      high += wiring.probeDigital(8) ?? 0;
    }
    expect(high / 1000).toBeCloseTo(0.3, 1);
  });

  it('ADC noise is within ±1 LSB and the same seed replays the same readings', () => {
    const read = (seed: number) => {
      const { clock, wiring } = make({ seed, noiseLsb: 1 });
      wiring.setDutOutput(18, { level: 1 });
      clock.advance(SETTLED);
      return Array.from({ length: 50 }, () => wiring.probeAnalog(0) ?? -1);
    };
    const a = read(42);
    expect(read(42)).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
    for (const v of a) expect(v).toBeGreaterThanOrEqual(1022);
    expect(read(43)).not.toEqual(a);
  });

  it('probe outputs reach DUT inputs: level, pull-up, high-Z, and PWM through RC into the 12-bit ADC', () => {
    const { clock, wiring } = make();
    const changes: Array<[number, 0 | 1 | null]> = [];
    wiring.onDutInputChange((pin, level) => changes.push([pin, level]));
    wiring.setProbeOutput(7, { level: 1 });
    wiring.setProbeOutput(7, { level: 0 });
    wiring.setProbeOutput(7, { highZ: true, pullup: true });
    wiring.setProbeOutput(7, { highZ: true, pullup: false });
    expect(changes).toEqual([
      [4, 1],
      [4, 0],
      [4, 1],
      [4, null],
    ]);
    wiring.setProbeOutput(9, { pwm: 1 });
    clock.advance(SETTLED);
    expect(wiring.dutAnalog(34)).toBe(4095);
  });

  it('tells the probe when a DUT output changes', () => {
    const { wiring } = make();
    let calls = 0;
    const off = wiring.onProbeInputChange(() => calls++);
    wiring.setDutOutput(2, { level: 1 });
    off();
    wiring.setDutOutput(2, { level: 0 });
    expect(calls).toBe(1);
  });

  it('rejects bad specs and outputs with typed errors', () => {
    expect(() => new VirtualWiring({ ...SPEC, dutVcc: 0 })).toThrow(WiringError);
    expect(
      () =>
        new VirtualWiring({
          ...SPEC,
          wires: [{ kind: 'rc', name: 'x', dutPin: 1, probeAnalog: 0, r: 0, c: 1 }],
        }),
    ).toThrow(/r \(ohms\) and c \(farads\)/);
    const { wiring } = make();
    expect(() => wiring.setDutOutput(18, { pwm: { freq: 0, fraction: 0.5 } })).toThrow(
      expect.objectContaining({ code: 'invalid_output' }),
    );
    expect(() => wiring.setDutOutput(18, { pwm: { freq: 1000, fraction: Number.NaN } })).toThrow(WiringError);
  });
});

describe('VirtualWiring overrides (fault hooks)', () => {
  it('stuck low/high pins the destination and removing it restores the signal', () => {
    const { wiring } = make();
    wiring.setDutOutput(2, { level: 1 });
    const remove = wiring.applyOverride({ kind: 'stuck', wire: { dutPin: 2 }, level: 0 });
    expect(wiring.probeDigital(8)).toBe(0);
    wiring.setDutOutput(2, { level: 0 });
    wiring.setDutOutput(2, { level: 1 });
    expect(wiring.probeDigital(8)).toBe(0);
    remove();
    expect(wiring.probeDigital(8)).toBe(1);
    wiring.applyOverride({ kind: 'stuck', wire: 'status LED', level: 1 });
    wiring.setDutOutput(2, { level: 0 });
    expect(wiring.probeDigital(8)).toBe(1);
    expect(wiring.overrides).toHaveLength(1);
    wiring.clearOverrides();
    expect(wiring.probeDigital(8)).toBe(0);
  });

  it('swap puts the LED level on the RC channel and the PWM line on the LED pin', () => {
    const { clock, wiring } = make();
    wiring.applyOverride({ kind: 'swap', a: { dutPin: 2 }, b: { dutPin: 18 } });
    wiring.setDutOutput(2, { level: 1 });
    wiring.setDutOutput(18, { pwm: { freq: 5000, fraction: 0 } });
    clock.advance(SETTLED);
    expect(wiring.probeDigital(8)).toBe(0);
    expect(wiring.probeAnalog(0)).toBe(1023);
  });

  it('pwm-dead leaves the line low; pwm-offset shifts the real duty by percentage points', () => {
    const { clock, wiring } = make();
    wiring.setDutOutput(18, { pwm: { freq: 5000, fraction: 0.5 } });
    const dead = wiring.applyOverride({ kind: 'pwm-dead', wire: 'fan PWM' });
    clock.advance(SETTLED);
    expect(wiring.probeAnalog(0)).toBe(0);
    wiring.setDutOutput(18, { pwm: { freq: 5000, fraction: 1 } });
    clock.advance(SETTLED);
    expect(wiring.probeAnalog(0)).toBe(0); // full on is dead too
    dead();
    wiring.setDutOutput(18, { pwm: { freq: 5000, fraction: 0 } });
    const offset = wiring.applyOverride({ kind: 'pwm-offset', wire: 'fan PWM', points: 5 });
    clock.advance(SETTLED);
    expect(Math.abs((wiring.probeAnalog(0) ?? -1) - 0.05 * 1023)).toBeLessThanOrEqual(1); // 0 % commanded
    offset();
    wiring.setDutOutput(18, { pwm: { freq: 5000, fraction: 0.5 } });
    wiring.applyOverride({ kind: 'pwm-offset', wire: { probeAnalog: 0 }, points: 5 });
    clock.advance(SETTLED);
    expect(Math.abs((wiring.probeAnalog(0) ?? -1) - 0.55 * 1023)).toBeLessThanOrEqual(1);
    // A steady level is no PWM: the offset does not apply to it.
    wiring.setDutOutput(18, { level: 0 });
    clock.advance(SETTLED);
    expect(wiring.probeAnalog(0)).toBe(0);
  });

  it('open floats the DUT input (button-dead); freeze holds the DUT ADC voltage (sensor-frozen)', () => {
    const { clock, wiring } = make();
    wiring.setProbeOutput(7, { level: 1 });
    wiring.applyOverride({ kind: 'open', wire: 'boot button' });
    expect(wiring.dutInput(4)).toBeNull();
    wiring.setProbeOutput(9, { pwm: 0.5 });
    clock.advance(SETTLED);
    const before = wiring.dutAnalog(34);
    wiring.applyOverride({ kind: 'freeze', wire: { dutPin: 34 } });
    wiring.setProbeOutput(9, { pwm: 1 });
    clock.advance(SETTLED);
    expect(wiring.dutAnalog(34)).toBe(before);
  });

  it('refuses overrides it cannot apply, saying which wires exist', () => {
    const { wiring } = make();
    expect(() => wiring.applyOverride({ kind: 'stuck', wire: 'nope', level: 1 })).toThrow(
      /wires: status LED, fan PWM/,
    );
    expect(() => wiring.applyOverride({ kind: 'swap', a: 'status LED', b: 'boot button' })).toThrow(
      expect.objectContaining({ code: 'invalid_override' }),
    );
    expect(() => wiring.applyOverride({ kind: 'pwm-offset', wire: 'fan PWM', points: Number.NaN })).toThrow(
      WiringError,
    );
    expect(wiring.overrides).toEqual([]);
  });
});

describe('VirtualWiring under random use', () => {
  const refs = fc.constantFrom<string | { dutPin: number }>(
    'status LED',
    'fan PWM',
    'boot button',
    'light sensor',
    {
      dutPin: 2,
    },
  );
  const op = fc.oneof(
    fc.record({
      t: fc.constant('dut' as const),
      pin: fc.constantFrom(2, 18, 4, 34, 5),
      out: fc.oneof(
        fc.record({ level: fc.constantFrom<0 | 1>(0, 1) }),
        fc.record({
          pwm: fc.record({
            freq: fc.double({ min: 1, max: 40e6, noNaN: true }),
            fraction: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
        }),
        fc.constant({ highZ: true as const }),
      ),
    }),
    fc.record({
      t: fc.constant('probe' as const),
      pin: fc.constantFrom(7, 8, 9, 3),
      drive: fc.oneof(
        fc.record({ level: fc.constantFrom<0 | 1>(0, 1) }),
        fc.record({ pwm: fc.double({ min: 0, max: 1, noNaN: true }) }),
        fc.record({ highZ: fc.constant(true as const), pullup: fc.boolean() }),
      ),
    }),
    fc.record({
      t: fc.constant('override' as const),
      o: fc.oneof(
        fc.record({ kind: fc.constant('stuck' as const), wire: refs, level: fc.constantFrom<0 | 1>(0, 1) }),
        fc.record({ kind: fc.constant('open' as const), wire: refs }),
        fc.record({ kind: fc.constant('swap' as const), a: refs, b: refs }),
        fc.record({ kind: fc.constant('pwm-dead' as const), wire: refs }),
        fc.record({
          kind: fc.constant('pwm-offset' as const),
          wire: refs,
          points: fc.double({ min: -200, max: 200, noNaN: true }),
        }),
        fc.record({ kind: fc.constant('freeze' as const), wire: refs }),
      ),
    }),
    fc.record({ t: fc.constant('advance' as const), ms: fc.double({ min: 0, max: 2000, noNaN: true }) }),
    fc.record({ t: fc.constant('clear' as const) }),
  );

  it('never throws anything but WiringError and always reads in range', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer(), (ops, seed) => {
        const { clock, wiring } = make({ seed, noiseLsb: 1 });
        for (const o of ops) {
          try {
            if (o.t === 'dut') wiring.setDutOutput(o.pin, o.out);
            else if (o.t === 'probe') wiring.setProbeOutput(o.pin, o.drive);
            else if (o.t === 'override') wiring.applyOverride(o.o as WireOverride);
            else if (o.t === 'advance') clock.advance(o.ms);
            else wiring.clearOverrides();
          } catch (e) {
            expect(e).toBeInstanceOf(WiringError);
          }
          for (const pin of [8, 14, 3]) expect([0, 1, null]).toContain(wiring.probeDigital(pin));
          const a = wiring.probeAnalog(0);
          if (a !== null) expect(a >= 0 && a <= 1023 && Number.isInteger(a)).toBe(true);
          const d = wiring.dutAnalog(34);
          if (d !== null) expect(d >= 0 && d <= 4095 && Number.isInteger(d)).toBe(true);
          expect([0, 1, null]).toContain(wiring.dutInput(4));
        }
      }),
      { numRuns: 150 },
    );
  });
});
