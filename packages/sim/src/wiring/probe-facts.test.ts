import type { WiringSpec } from '@esphil/device-model';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../probe/clock';
import { probeAdcCounts, rcTauMs } from './physics';
import { VirtualWiring } from './virtual-wiring';

// The probe-side rows of shared/reference/firmata-facts.md that live in the wiring model.

describe('probe ADC: floor(V * 1024 / Vref), as the AVR converts', () => {
  it('1.0 V reads 204 and 2.5 V reads 512 on a 5 V Uno (round(V / 5 * 1023) would give 205 and 512)', () => {
    expect(probeAdcCounts(1.0, 5, 10)).toBe(204);
    expect(probeAdcCounts(2.5, 5, 10)).toBe(512);
    expect(probeAdcCounts(5, 5, 10)).toBe(1023);
    expect(probeAdcCounts(-0.1, 5, 10)).toBe(0);
  });

  it('the wiring reads a settled 1.0 V DUT level through RC as 204', () => {
    const clock = new ManualClock();
    const spec: WiringSpec = {
      dutVcc: 1.0,
      probe: 'arduino-uno',
      wires: [{ kind: 'rc', name: 'level', dutPin: 18, probeAnalog: 0, r: 1000, c: 1e-6 }],
    };
    const wiring = new VirtualWiring(spec, { clock, noiseLsb: 0 });
    wiring.setDutOutput(18, { level: 1 });
    clock.advance(rcTauMs(1000, 1e-6) * 40);
    expect(wiring.probeAnalog(0)).toBe(204);
  });
});

describe('probe PWM frequency per pin (Uno: Timer0 pins 5 and 6 at 976 Hz, the rest at 490 Hz)', () => {
  const spec: WiringSpec = {
    dutVcc: 5,
    probe: 'arduino-uno',
    wires: [
      { kind: 'drive', name: 'timer0', probePin: 5, dutPin: 4 },
      { kind: 'drive', name: 'timer1', probePin: 9, dutPin: 5 },
    ],
  };

  /** Rising edges at a DUT input over 100 ms of the probe's 50 % analogWrite. */
  function risingEdges(probePin: number, dutPin: number, opts: { probePwmHz?: number } = {}): number {
    const clock = new ManualClock();
    const wiring = new VirtualWiring(spec, { clock, noiseLsb: 0, seed: 3, ...opts });
    wiring.setProbeOutput(probePin, { pwm: 0.5 });
    let edges = 0;
    let last = wiring.dutInput(dutPin);
    for (let i = 0; i < 10_000; i++) {
      clock.advance(0.01);
      const now = wiring.dutInput(dutPin);
      if (last === 0 && now === 1) edges++;
      last = now;
    }
    return edges;
  }

  it('pin 5 toggles at ~976 Hz, pin 9 at ~490 Hz', () => {
    expect(Math.abs(risingEdges(5, 4) - 97.66)).toBeLessThanOrEqual(1);
    expect(Math.abs(risingEdges(9, 5) - 49.02)).toBeLessThanOrEqual(1);
  });

  it('probePwmHz overrides the per-pin table, and a servo drive keeps its own 50 Hz', () => {
    expect(Math.abs(risingEdges(5, 4, { probePwmHz: 490 }) - 49)).toBeLessThanOrEqual(1);
    const clock = new ManualClock();
    const wiring = new VirtualWiring(spec, { clock, noiseLsb: 0 });
    wiring.setProbeOutput(5, { pwm: 0.075, freqHz: 50 });
    let edges = 0;
    let last = wiring.dutInput(4);
    for (let i = 0; i < 1000; i++) {
      clock.advance(0.1);
      const now = wiring.dutInput(4);
      if (last === 0 && now === 1) edges++;
      last = now;
    }
    expect(Math.abs(edges - 5)).toBeLessThanOrEqual(1);
  });
});
