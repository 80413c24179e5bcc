/**
 * Which wire an override acts on: a wire name from the WiringSpec, or the pin at either end.
 * `{ probeAnalog }` selects an RC wire by its probe channel.
 */
export type WireRef = string | { dutPin: number } | { probePin: number } | { probeAnalog: number };

/**
 * Faults on the virtual wiring (the DUT side maps fault names like `led-stuck-low` onto these).
 * - stuck: the destination sees a fixed level whatever the source does (a short to GND or VCC).
 * - open: the wire is broken; the destination floats.
 * - swap: two wires of the same direction carry each other's signals (mis-wired bench).
 * - pwm-dead: the source puts out nothing (stays low), whatever duty or level it is given.
 * - pwm-offset: the real duty differs from the commanded one by `points` percentage points (clamped 0..100);
 *   it acts on `{ pwm }` outputs (0 and 1 included), not on plain `{ level }` outputs.
 * - freeze: the destination keeps the voltage it had when the override was applied.
 */
export type WireOverride =
  | { kind: 'stuck'; wire: WireRef; level: 0 | 1 }
  | { kind: 'open'; wire: WireRef }
  | { kind: 'swap'; a: WireRef; b: WireRef }
  | { kind: 'pwm-dead'; wire: WireRef }
  | { kind: 'pwm-offset'; wire: WireRef; points: number }
  | { kind: 'freeze'; wire: WireRef };

export type WiringErrorCode = 'unknown_wire' | 'invalid_override' | 'invalid_spec' | 'invalid_output';

export class WiringError extends Error {
  readonly code: WiringErrorCode;
  constructor(code: WiringErrorCode, message: string) {
    super(message);
    this.name = 'WiringError';
    this.code = code;
  }
}
