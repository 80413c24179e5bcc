import { getProbeBoard } from '@esphil/device-model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectRcCounts,
  logicLevel,
  quantise,
  rcRippleAt,
  rcRipplePeakToPeak,
  rcStep,
  rcTauMs,
} from './physics';

describe('RC physics', () => {
  it('a step reaches 1 - 1/e of the way after one time constant', () => {
    const tau = rcTauMs(10_000, 10e-6);
    expect(tau).toBeCloseTo(100, 9);
    expect(rcStep(0, 3.3, tau, tau)).toBeCloseTo(3.3 * (1 - Math.exp(-1)), 9);
    expect(rcStep(3.3, 0, 5 * tau, tau)).toBeCloseTo(3.3 * Math.exp(-5), 9);
    expect(rcStep(1, 2, 0, tau)).toBe(1);
  });

  it('the steady-state ripple waveform averages to exactly duty x V', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 50, max: 20_000, noNaN: true }),
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        (fraction, freq, tau) => {
          const n = 4000;
          let sum = 0;
          for (let k = 0; k < n; k++) sum += rcRippleAt(3.3, fraction, freq, tau, (k + 0.5) / n);
          expect(Math.abs(sum / n)).toBeLessThan(3.3 * 1e-3);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('ripple matches the small-ripple approximation V·D(1-D)/(f·RC) when the filter is slow', () => {
    const tau = 100; // ms
    const vpp = rcRipplePeakToPeak(3.3, 0.5, 5000, tau);
    expect(vpp).toBeCloseTo((3.3 * 0.25) / (5000 * 0.1), 5);
    expect(rcRipplePeakToPeak(3.3, 0, 5000, tau)).toBe(0);
    expect(rcRipplePeakToPeak(3.3, 1, 5000, tau)).toBe(0);
    // A fast filter passes most of the square wave.
    expect(rcRipplePeakToPeak(3.3, 0.5, 10, 1)).toBeGreaterThan(3);
  });

  it('quantises with clamping and reads logic levels with hysteresis between the thresholds', () => {
    expect(quantise(3.3, 5, 10)).toBe(675); // the facts file's "3.3 V full-on on a 5 V Uno reads about 675"
    expect(quantise(-1, 5, 10)).toBe(0);
    expect(quantise(9, 5, 10)).toBe(1023);
    expect(logicLevel(3.3, 3, 1.5, 0)).toBe(1);
    expect(logicLevel(2, 3, 1.5, 0)).toBe(0);
    expect(logicLevel(2, 3, 1.5, 1)).toBe(1);
    expect(logicLevel(1.5, 3, 1.5, 1)).toBe(0);
  });

  it("expectRcCounts is device-model's expectRcReading: full scale, tolerance grows with ripple", () => {
    const zero = getProbeBoard('arduino-zero')!;
    const e = expectRcCounts({ fraction: 1, dutVcc: 3.3, freqHz: 5000, r: 10_000, c: 10e-6, probe: zero });
    expect(e.value).toBe(1023);
    const slow = expectRcCounts({ fraction: 0.5, dutVcc: 3.3, freqHz: 50, r: 10_000, c: 10e-6, probe: zero });
    expect(slow.tolerance).toBeGreaterThan(e.tolerance + 10); // 50 Hz PWM leaves far more ripple
  });
});
