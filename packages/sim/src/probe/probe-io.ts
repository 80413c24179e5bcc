/** What a probe pin does to the line it is wired to. */
export type ProbeDrive =
  | { level: 0 | 1 }
  /** Duty fraction; freqHz when not the pin's analogWrite frequency (a servo's 50 Hz). */
  | { pwm: number; freqHz?: number }
  | { highZ: true; pullup: boolean };

/**
 * The probe's electrical surroundings. VirtualWiring implements it; a probe without one sees floating inputs
 * (INPUT reads 0, PULLUP reads 1, analog reads 0) and its outputs go nowhere.
 */
export interface ProbeIO {
  /** Logic level at a probe digital pin as the probe's thresholds read it; null when nothing drives the line. */
  probeDigital(pin: number): 0 | 1 | null;
  /** ADC counts (probe resolution) at an analog channel; null when nothing is connected. */
  probeAnalog(channel: number): number | null;
  setProbeOutput(pin: number, drive: ProbeDrive): void;
  /** Called when something a probe input sees may have changed; returns an unsubscribe function. */
  onProbeInputChange(listener: () => void): () => void;
}
