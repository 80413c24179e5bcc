/**
 * The Arduino Servo library's pulse (arduino-libraries/Servo, Servo.h/avr Servo.cpp): 50 Hz refresh
 * (REFRESH_INTERVAL 20,000 us), write(v) takes an angle 0-180 mapped onto [min, max] us, or a pulse width in us
 * when v >= MIN_PULSE_WIDTH (544); attach() starts at DEFAULT_PULSE_WIDTH 1,500 us.
 */
export const SERVO_REFRESH_US = 20_000;
export const SERVO_MIN_PULSE_US = 544;
export const SERVO_MAX_PULSE_US = 2400;
export const SERVO_DEFAULT_PULSE_US = 1500;
export const SERVO_FREQ_HZ = 1e6 / SERVO_REFRESH_US;

export interface ServoRange {
  minUs: number;
  maxUs: number;
}

export const DEFAULT_SERVO_RANGE: ServoRange = { minUs: SERVO_MIN_PULSE_US, maxUs: SERVO_MAX_PULSE_US };

/** Pulse width in us for a Servo.write(value). */
export function servoPulseUs(value: number, range: ServoRange = DEFAULT_SERVO_RANGE): number {
  if (value >= SERVO_MIN_PULSE_US) return Math.min(range.maxUs, Math.max(range.minUs, value));
  const angle = Math.min(180, Math.max(0, value));
  // Arduino map() is integer arithmetic: it truncates.
  return range.minUs + Math.floor(((range.maxUs - range.minUs) * Math.floor(angle)) / 180);
}
