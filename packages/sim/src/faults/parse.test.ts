import { describe, expect, it } from 'vitest';
import { FAULT_NAMES } from './catalog';
import { formatFault, parseFault, parseFaults, tryParseFault } from './parse';
import { compileFaults, faultedPwmFraction } from './plan';
import { wireOverridesFor } from './wiring';

describe('parseFault', () => {
  it('parses every catalogued fault with a valid argument and round-trips the text', () => {
    const samples: Record<string, string> = {
      'pwm-offset': 'pwm-offset:5',
      'ack-drop': 'ack-drop:0.5',
      'ack-delay': 'ack-delay:200',
      'event-drop': 'event-drop:0.25',
      'reboot-after': 'reboot-after:1000',
      'corrupt-frames': 'corrupt-frames:1',
      'client-limit': 'client-limit:2',
    };
    for (const name of FAULT_NAMES) {
      const text = samples[name] ?? name;
      const f = parseFault(text);
      expect(f.name).toBe(name);
      expect(formatFault(f)).toBe(text);
    }
  });

  it('rejects unknown names with the list of known ones', () => {
    const r = tryParseFault('led-stuck-sideways');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('fault_unknown');
    expect(r.error.message).toContain('led-stuck-low');
    expect(() => parseFault('nope')).toThrow(/unknown fault "nope"/);
  });

  it('rejects bad or missing arguments with a usage hint', () => {
    const cases = [
      'pwm-offset',
      'pwm-offset:abc',
      'pwm-offset:150',
      'ack-drop:2',
      'ack-delay:-1',
      'client-limit:0',
      'client-limit:1.5',
      'pwm-dead:3',
    ];
    for (const c of cases) {
      const r = tryParseFault(c);
      expect(r.ok, c).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('fault_arg');
    }
    expect(tryParseFault('').ok).toBe(false);
    expect(tryParseFault('x'.repeat(100)).ok).toBe(false);
  });

  it('folds faults into a plan (later wins) and applies PWM faults to duty', () => {
    const plan = compileFaults(
      parseFaults(['led-stuck-low', 'led-stuck-high', 'pwm-offset:-10', 'client-limit:3']),
    );
    expect(plan.ledStuck).toBe(1);
    expect(plan.clientLimit).toBe(3);
    expect(faultedPwmFraction(plan, 0.5)).toBeCloseTo(0.4);
    expect(faultedPwmFraction(plan, 0.05)).toBe(0);
    expect(faultedPwmFraction(compileFaults([{ name: 'pwm-dead' }]), 1)).toBe(0);
  });

  it('maps wire faults onto wiring overrides', () => {
    const spec = {
      dutVcc: 3.3,
      probe: 'arduino-zero' as const,
      wires: [
        { kind: 'digital' as const, name: 'led', dutPin: 2, probePin: 2 },
        { kind: 'rc' as const, name: 'fan', dutPin: 18, probeAnalog: 0, r: 1e4, c: 1e-5 },
        { kind: 'drive' as const, name: 'btn', probePin: 7, dutPin: 4 },
        { kind: 'analog-drive' as const, name: 'light', probePin: 5, dutPin: 34, r: 1e4, c: 1e-5 },
      ],
    };
    const faults = parseFaults([
      'led-stuck-high',
      'pwm-offset:5',
      'pwm-dead',
      'wires-swapped',
      'button-dead',
      'sensor-frozen',
      'ack-drop:1',
    ]);
    expect(wireOverridesFor(faults, spec)).toEqual([
      { kind: 'stuck', wire: 'led', level: 1 },
      { kind: 'pwm-offset', wire: 'fan', points: 5 },
      { kind: 'pwm-dead', wire: 'fan' },
      { kind: 'swap', a: 'led', b: 'fan' },
      { kind: 'open', wire: 'btn' },
      { kind: 'freeze', wire: 'light' },
    ]);
  });
});
