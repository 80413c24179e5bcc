import type { WiringSpec } from '@esphil/device-model';

/**
 * wires-swapped: the first DUT->probe digital line (the LED) and the first PWM->RC line trade DUT pins,
 * as if the two jumpers were plugged into each other's DUT header pins.
 */
export function swapLedAndPwmWires(spec: WiringSpec): WiringSpec {
  const wires = spec.wires.map((w) => ({ ...w }));
  const led = wires.find((w) => w.kind === 'digital');
  const pwm = wires.find((w) => w.kind === 'rc');
  if (!led || !pwm) return { ...spec, wires };
  const ledPin = led.dutPin;
  led.dutPin = pwm.dutPin;
  pwm.dutPin = ledPin;
  return { ...spec, wires };
}
