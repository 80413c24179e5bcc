/**
 * The active faults folded into the knobs the DUT, its transport and the wiring consult.
 * One place decides what each fault means, so every layer stays free of fault-name checks.
 */
import type { Fault, FaultName } from './types';

export interface FaultPlan {
  readonly faults: readonly Fault[];
  has(name: FaultName): boolean;
  /** Forced level of LED pins at the wire, or null. */
  ledStuck: 0 | 1 | null;
  /** Percentage points added to the real PWM duty. */
  pwmOffsetPoints: number;
  pwmDead: boolean;
  wiresSwapped: boolean;
  buttonDead: boolean;
  sensorFrozen: boolean;
  ackDropRate: number;
  ackDelayMs: number;
  eventDropRate: number;
  corruptFrameRate: number;
  rebootAfterMs: number | null;
  rebootLoop: boolean;
  wifiDown: boolean;
  serialGarbage: boolean;
  /** The bootloader reads the app with one bit flipped (SimFlash.boot). */
  appCorrupt: boolean;
  clientLimit: number | null;
}

export function compileFaults(faults: readonly Fault[] = []): FaultPlan {
  const plan: FaultPlan = {
    faults,
    has: (name) => faults.some((f) => f.name === name),
    ledStuck: null,
    pwmOffsetPoints: 0,
    pwmDead: false,
    wiresSwapped: false,
    buttonDead: false,
    sensorFrozen: false,
    ackDropRate: 0,
    ackDelayMs: 0,
    eventDropRate: 0,
    corruptFrameRate: 0,
    rebootAfterMs: null,
    rebootLoop: false,
    wifiDown: false,
    serialGarbage: false,
    appCorrupt: false,
    clientLimit: null,
  };
  // Later faults of the same kind win, like repeated CLI flags.
  for (const f of faults) {
    switch (f.name) {
      case 'led-stuck-low':
        plan.ledStuck = 0;
        break;
      case 'led-stuck-high':
        plan.ledStuck = 1;
        break;
      case 'pwm-offset':
        plan.pwmOffsetPoints = f.points;
        break;
      case 'pwm-dead':
        plan.pwmDead = true;
        break;
      case 'wires-swapped':
        plan.wiresSwapped = true;
        break;
      case 'button-dead':
        plan.buttonDead = true;
        break;
      case 'sensor-frozen':
        plan.sensorFrozen = true;
        break;
      case 'ack-drop':
        plan.ackDropRate = f.rate;
        break;
      case 'ack-delay':
        plan.ackDelayMs = f.ms;
        break;
      case 'event-drop':
        plan.eventDropRate = f.rate;
        break;
      case 'corrupt-frames':
        plan.corruptFrameRate = f.rate;
        break;
      case 'reboot-after':
        plan.rebootAfterMs = f.ms;
        break;
      case 'reboot-loop':
        plan.rebootLoop = true;
        break;
      case 'wifi-down':
        plan.wifiDown = true;
        break;
      case 'serial-garbage':
        plan.serialGarbage = true;
        break;
      case 'app-corrupt':
        plan.appCorrupt = true;
        break;
      case 'client-limit':
        plan.clientLimit = f.n;
        break;
    }
  }
  return plan;
}

/** Effective PWM fraction at the pin after pwm-dead / pwm-offset. */
export function faultedPwmFraction(plan: FaultPlan, fraction: number): number {
  if (plan.pwmDead) return 0;
  if (plan.pwmOffsetPoints === 0) return fraction;
  return Math.min(1, Math.max(0, fraction + plan.pwmOffsetPoints / 100));
}
