import type { WiringSpec } from '@esphil/device-model';
import type { WireOverride } from '../wiring/overrides';
import type { Fault } from './types';

/** Faults that live on the bench wires rather than in the DUT. */
export const WIRE_FAULTS = [
  'led-stuck-low',
  'led-stuck-high',
  'pwm-offset',
  'pwm-dead',
  'wires-swapped',
  'button-dead',
  'sensor-frozen',
] as const satisfies readonly Fault['name'][];

export function isWireFault(f: Fault): boolean {
  return (WIRE_FAULTS as readonly string[]).includes(f.name);
}

/**
 * Wire faults as VirtualWiring overrides: LED lines are the DUT->probe digital wires, PWM lines the RC wires,
 * button lines the probe->DUT drive wires, sensor lines the probe->DUT analog-drive wires.
 * wires-swapped: the first LED line and the first PWM line carry each other's signals.
 */
export function wireOverridesFor(faults: readonly Fault[], spec: WiringSpec): WireOverride[] {
  const named = (kind: string) => spec.wires.filter((w) => w.kind === kind).map((w) => w.name);
  const leds = named('digital');
  const pwms = named('rc');
  const out: WireOverride[] = [];
  for (const f of faults) {
    switch (f.name) {
      case 'led-stuck-low':
      case 'led-stuck-high':
        for (const wire of leds)
          out.push({ kind: 'stuck', wire, level: f.name === 'led-stuck-high' ? 1 : 0 });
        break;
      case 'pwm-offset':
        for (const wire of pwms) out.push({ kind: 'pwm-offset', wire, points: f.points });
        break;
      case 'pwm-dead':
        for (const wire of pwms) out.push({ kind: 'pwm-dead', wire });
        break;
      case 'wires-swapped':
        if (leds[0] !== undefined && pwms[0] !== undefined)
          out.push({ kind: 'swap', a: leds[0], b: pwms[0] });
        break;
      case 'button-dead':
        for (const wire of named('drive')) out.push({ kind: 'open', wire });
        break;
      case 'sensor-frozen':
        for (const wire of named('analog-drive')) out.push({ kind: 'freeze', wire });
        break;
      default:
        break;
    }
  }
  return out;
}
