import { describe, expect, it } from 'vitest';
import { PROBE_BOARDS } from '../boards/probes';
import { starterConfig } from '../config/starter';
import { expectDigital } from './digital';
import { expectDutAdcReading, expectRcReading, rcResponse, rcRipple, rcSettleMs } from './rc';
import type { WiringSpec } from './types';
import { validateWiring } from './validate';

const uno = PROBE_BOARDS['arduino-uno'];
const zero = PROBE_BOARDS['arduino-zero'];
const rc = { r: 10_000, c: 10e-6 };

describe('expectDigital', () => {
  const wire = { name: 'status LED', dutPin: 2, probePin: 7 };
  it('3.3 V high into a 5 V Uno reads 1 but is marginal (0.3 V above vih 3.0)', () => {
    const e = expectDigital(true, wire, uno, 3.3);
    expect(e.value).toBe(1);
    expect(e.marginV).toBeCloseTo(0.3, 9);
    expect(e.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'wiring.marginal']]);
    expect(e.diagnostics[0]?.message).toContain('GPIO2');
  });
  it('3.3 V into a 3.3 V Zero is clean; lows are clean on both', () => {
    expect(expectDigital(1, wire, zero, 3.3)).toMatchObject({ value: 1, diagnostics: [] });
    expect(expectDigital(0, wire, uno, 3.3)).toMatchObject({ value: 0, marginV: 1.5, diagnostics: [] });
  });
  it('a 2.5 V high cannot reach the Uno threshold: error', () => {
    expect(expectDigital(1, wire, uno, 2.5).diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['error', 'wiring.threshold'],
    ]);
  });
});

describe('RC physics', () => {
  it('ripple of 10 kOhm / 10 uF at 5 kHz, 50 %: 1.65 mV peak to peak', () => {
    const r = rcRipple({ vHigh: 3.3, fraction: 0.5, freq: 5000, ...rc });
    expect(r.pp).toBeCloseTo(0.00165, 6);
    expect(r.max).toBeCloseTo(1.650825, 6);
    expect(rcRipple({ vHigh: 3.3, fraction: 1, freq: 5000, ...rc }).pp).toBe(0);
  });
  it('rcResponse follows the exponential: one tau reaches 63.2 %', () => {
    expect(rcResponse({ from: 0, to: 3.3, ...rc, elapsedMs: 100 })).toBeCloseTo(2.085998, 5);
    expect(rcResponse({ from: 3.3, to: 0, ...rc, elapsedMs: 0 })).toBe(3.3);
    expect(rcResponse({ from: 3.3, to: 1, ...rc, elapsedMs: 1e9 })).toBeCloseTo(1, 9);
  });
  it('rcSettleMs = tau x ln(fullScale / tolerance)', () => {
    expect(rcSettleMs({ ...rc, fullScale: 1000, tolerance: 10 })).toBe(461); // 100 ms x ln 100 = 460.5
    expect(rcSettleMs({ ...rc, fullScale: 10, tolerance: 20 })).toBe(0);
  });
});

describe('expectRcReading', () => {
  it('5 V Uno reads ~675 for a 3.3 V full-on output', () => {
    const e = expectRcReading({ fraction: 1, dutVcc: 3.3, wire: rc, probe: uno });
    expect(e.value).toBeCloseTo(675.18, 2);
    expect(e.ripple).toBe(0);
    expect(e.tolerance).toBeCloseTo(1 + 0.03 * 1023, 6);
    expect(e.settleMs).toBe(306); // 100 ms x ln(675.18 / 31.69) = 305.9
  });
  it('50 % on the Uno: 337.6 counts, tolerance = 1 + 0.169 ripple + 30.69 margin', () => {
    const e = expectRcReading({ fraction: 0.5, dutVcc: 3.3, wire: rc, probe: uno, freq: 5000 });
    expect(e.value).toBeCloseTo(337.59, 2);
    expect(e.ripple).toBeCloseTo(0.1688, 3);
    expect(e.tolerance).toBeCloseTo(31.8588, 3);
    expect(e.settleMs).toBe(306); // 305.37 rounded up
  });
  it('a 3.3 V Zero reads 511.5 at 50 %; the margin is configurable', () => {
    const e = expectRcReading({ fraction: 0.5, dutVcc: 3.3, wire: rc, probe: zero, marginFraction: 0 });
    expect(e.value).toBeCloseTo(511.5, 6);
    expect(e.tolerance).toBeCloseTo(1 + e.ripple, 9);
    expect(e.ripple * (3.3 / 1023)).toBeCloseTo(0.000825, 6);
  });
  it('a fast filter at low frequency has a large ripple', () => {
    const e = expectRcReading({
      fraction: 0.5,
      dutVcc: 3.3,
      wire: { r: 1000, c: 1e-6 },
      probe: zero,
      freq: 100,
    });
    // tau 1 ms vs a 10 ms period: the capacitor swings almost rail to rail.
    expect(e.ripple).toBeGreaterThan(500);
  });
  it('DUT ADC reading of a 3.3 V probe PWM at 25 %: 1023.75 of 4095', () => {
    const e = expectDutAdcReading({ fraction: 0.25, probe: zero, wire: rc });
    expect(e.value).toBeCloseTo(1023.75, 6);
    expect(e.margin).toBeCloseTo(0.05 * 4095, 6);
  });
});

describe('validateWiring', () => {
  const config = starterConfig('esp32-doit-devkit-v1');
  const good: WiringSpec = {
    dutVcc: 3.3,
    probe: 'arduino-zero',
    wires: [
      { kind: 'digital', name: 'status', dutPin: 2, probePin: 7 },
      { kind: 'rc', name: 'fan', dutPin: 18, probeAnalog: 0, ...rc },
      { kind: 'drive', name: 'boot', probePin: 8, dutPin: 4 },
      { kind: 'analog-drive', name: 'light', probePin: 9, dutPin: 34, ...rc },
    ],
  };
  const codes = (spec: WiringSpec): string[] =>
    validateWiring(spec, config).map((d) => `${d.severity}:${d.code}@${d.path}`);

  it('the matching bench for the starter config is clean', () => {
    expect(codes(good)).toEqual([]);
  });
  it('the same bench on a 5 V Uno: marginal digital read, overvoltage on drives', () => {
    expect(codes({ ...good, probe: 'arduino-uno' })).toEqual([
      'warning:wiring.marginal@wires[0]',
      'error:wiring.overvoltage@wires[2]',
      'warning:wiring.overvoltage@wires[3]',
    ]);
  });
  it('pins must exist on both boards and fit the wire kind', () => {
    expect(
      codes({
        ...good,
        wires: [
          { kind: 'digital', name: 'a', dutPin: 40, probePin: 7 },
          // On the Zero 0/1 are digital pins to Firmata; 22 (SPI MISO) is not.
          { kind: 'digital', name: 'b', dutPin: 4, probePin: 22 },
          { kind: 'rc', name: 'c', dutPin: 2, probeAnalog: 9, ...rc },
          { kind: 'drive', name: 'd', probePin: 8, dutPin: 18 },
          // Zero pin 2 has no TCC/TC channel (variant.cpp), so no PWM.
          { kind: 'analog-drive', name: 'e', probePin: 2, dutPin: 4, r: 0, c: 1e-6 },
        ],
      }),
    ).toEqual([
      'error:wiring.dut-pin@wires[0].dutPin',
      'error:wiring.not-output@wires[1].dutPin',
      'error:wiring.probe-pin@wires[1].probePin',
      'error:wiring.not-pwm@wires[2].dutPin',
      'error:wiring.probe-analog@wires[2].probeAnalog',
      'error:wiring.not-input@wires[3].dutPin',
      'error:wiring.not-sensor@wires[4].dutPin',
      'error:wiring.probe-pin@wires[4].probePin',
      'error:wiring.rc-values@wires[4]',
    ]);
  });
  it('no probe pin used twice (A0 is pin 14), no DUT input driven twice', () => {
    expect(
      codes({
        ...good,
        wires: [
          { kind: 'digital', name: 'a', dutPin: 2, probePin: 14 },
          { kind: 'rc', name: 'b', dutPin: 18, probeAnalog: 0, ...rc },
          { kind: 'drive', name: 'c', probePin: 8, dutPin: 4 },
          { kind: 'drive', name: 'd', probePin: 10, dutPin: 4 },
        ],
      }),
    ).toEqual([
      'error:wiring.probe-pin-duplicate@wires[1].probeAnalog',
      'error:wiring.dut-pin-conflict@wires[3].dutPin',
    ]);
  });
  it('unknown probe board', () => {
    expect(codes({ ...good, probe: 'arduino-mega' as never })).toEqual(['error:wiring.probe-unknown@probe']);
  });
});
