/**
 * The DUT's pins as the virtual wiring sees them. The DUT drives outputs and reads inputs only through
 * this interface, so the same DUT runs on the sim-probe wiring model or on a bare in-memory pin bank.
 */
export type Level = 0 | 1;

export interface DutPinBus {
  /** Drive a digital output, or release the pin (null = high impedance: reset, download mode). */
  driveDigital(pin: number, level: Level | null): void;
  /** Drive a LEDC output: effective duty fraction 0..1 (1 = the cores' full-on) at `freq` Hz. */
  drivePwm(pin: number, freq: number, fraction: number): void;
  /** Logic level at an input pin after thresholds; null = nothing drives it (the pull resistor decides). */
  readDigital(pin: number): Level | null;
  /** Volts at an ADC pin. */
  readVolts(pin: number): number;
  /** Told whenever an input pin may have changed level; returns unsubscribe. */
  onInputChange(listener: (pin: number) => void): () => void;
}

export type PinOutput = { kind: 'digital'; level: Level } | { kind: 'pwm'; freq: number; fraction: number };

/**
 * A pin bank with nothing wired: outputs are recorded, inputs are whatever `setInput`/`setVolts` say.
 * Used when the DUT runs without virtual wiring (and in DUT unit tests).
 */
export class PinBank implements DutPinBus {
  readonly outputs = new Map<number, PinOutput>();
  private readonly inputs = new Map<number, Level>();
  private readonly volts = new Map<number, number>();
  private readonly listeners = new Set<(pin: number) => void>();

  driveDigital(pin: number, level: Level | null): void {
    if (level === null) this.outputs.delete(pin);
    else this.outputs.set(pin, { kind: 'digital', level });
  }
  drivePwm(pin: number, freq: number, fraction: number): void {
    this.outputs.set(pin, { kind: 'pwm', freq, fraction });
  }
  readDigital(pin: number): Level | null {
    return this.inputs.get(pin) ?? null;
  }
  readVolts(pin: number): number {
    return this.volts.get(pin) ?? 0;
  }
  onInputChange(listener: (pin: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Drive an input from outside (null = release). */
  setInput(pin: number, level: Level | null): void {
    if (level === null) this.inputs.delete(pin);
    else this.inputs.set(pin, level);
    for (const l of this.listeners) l(pin);
  }
  setVolts(pin: number, v: number): void {
    this.volts.set(pin, v);
  }
}
