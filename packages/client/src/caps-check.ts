import type { Capabilities, Event, Op, ResultByOp } from '@esphil/protocol';

type Kind = 'leds' | 'pwm' | 'buttons' | 'sensors';

const KIND_LABEL: Record<Kind, string> = {
  leds: 'LED',
  pwm: 'PWM channel',
  buttons: 'button',
  sensors: 'sensor',
};

function outside(caps: Capabilities, kind: Kind, name: string): string | null {
  if (caps[kind].some((c) => c.name === name)) return null;
  return `${KIND_LABEL[kind]} "${name}" is not in the device's caps.${kind}`;
}

/** Why a device event names something its hello did not announce, or null when it is within `caps`. */
export function eventOutsideCaps(caps: Capabilities, e: Event): string | null {
  switch (e.ev) {
    case 'led':
      return outside(caps, 'leds', e.led);
    case 'pwm':
      return outside(caps, 'pwm', e.ch);
    case 'button':
      return outside(caps, 'buttons', e.button);
    case 'sensor':
      return outside(caps, 'sensors', e.sensor);
    default:
      return null;
  }
}

/** The same check for an already decoded ok result of `op` (ops without a target pass). */
export function resultOutsideCaps(caps: Capabilities, op: Op, result: unknown): string | null {
  switch (op) {
    case 'led.set':
    case 'led.toggle':
      return outside(caps, 'leds', (result as ResultByOp['led.set']).led);
    case 'pwm.set':
    case 'pwm.config':
      return outside(caps, 'pwm', (result as ResultByOp['pwm.set']).ch);
    case 'sensor.subscribe':
    case 'sensor.unsubscribe':
      return outside(caps, 'sensors', (result as ResultByOp['sensor.unsubscribe']).sensor);
    default:
      return null;
  }
}
