import {
  ESP32_ADC,
  type ExpectedReading,
  expectRcReading,
  type ProbeProfile,
  rcResponse,
  rcRipple,
} from '@esphil/device-model';

// The simulator's analogue behaviour. The RC step response and the ripple band come from @esphil/device-model
// (the same functions the HIL expectations use); this file adds what only a simulation needs: the ripple
// waveform at a given instant, thresholds with hysteresis, and quantisation.
// Times in milliseconds, voltages in volts.

/** RC time constant in ms. */
export function rcTauMs(r: number, c: number): number {
  return r * c * 1000;
}

/** First-order step response: where a node at `v0` heading for `target` is after `dtMs`. */
export function rcStep(v0: number, target: number, dtMs: number, tauMs: number): number {
  // rcResponse takes R and C; tau in ms = R * C * 1000, so R = tau / 1000 with C = 1 F.
  return rcResponse({ from: v0, to: target, r: tauMs / 1000, c: 1, elapsedMs: dtMs });
}

/** Peak-to-peak ripple of PWM (0..vHigh) after an RC low-pass, steady state. */
export function rcRipplePeakToPeak(vHigh: number, fraction: number, freqHz: number, tauMs: number): number {
  return rcRipple({ vHigh, fraction, freq: freqHz, r: tauMs / 1000, c: 1 }).pp;
}

/**
 * Ripple component (deviation from the mean fraction*vHigh) at a point of the PWM period, phase in [0, 1):
 * the exact steady-state waveform between device-model's ripple band, whose mean is exactly fraction*vHigh.
 */
export function rcRippleAt(
  vHigh: number,
  fraction: number,
  freqHz: number,
  tauMs: number,
  phase: number,
): number {
  if (!(freqHz > 0) || !(tauMs > 0) || fraction <= 0 || fraction >= 1) return 0;
  const band = rcRipple({ vHigh, fraction, freq: freqHz, r: tauMs / 1000, c: 1 });
  const periodMs = 1000 / freqHz;
  const p = phase - Math.floor(phase);
  // Charging from the band's bottom towards vHigh during the high part, then decaying from its top towards 0.
  const v =
    p < fraction
      ? vHigh + (band.min - vHigh) * Math.exp((-p * periodMs) / tauMs)
      : band.max * Math.exp((-(p - fraction) * periodMs) / tauMs);
  return v - fraction * vHigh;
}

/** Logic level a CMOS input reads; between the thresholds it keeps what it read before (hysteresis). */
export function logicLevel(v: number, vih: number, vil: number, previous: 0 | 1): 0 | 1 {
  if (v >= vih) return 1;
  if (v <= vil) return 0;
  return previous;
}

/** Ideal ADC: volts to counts, clamped to the converter's range. */
export function quantise(v: number, vref: number, bits: number): number {
  const max = 2 ** bits - 1;
  return Math.min(max, Math.max(0, Math.round((v / vref) * max)));
}

/**
 * An AVR / SAMD21 successive-approximation ADC as Arduino's analogRead returns it: floor(V * 2^bits / Vref),
 * clamped (ATmega328P datasheet 24.7, ADC = Vin * 1024 / Vref; measured 1.0 V -> 204, 2.5 V -> 512 on a 5 V Uno).
 */
export function probeAdcCounts(v: number, vref: number, bits: number): number {
  const max = 2 ** bits - 1;
  return Math.min(max, Math.max(0, Math.floor((v * 2 ** bits) / vref)));
}

/** ESP32 digital input thresholds as fractions of VDD (datasheet: VIH 0.75 VDD, VIL 0.25 VDD). */
export const ESP32_VIH_RATIO = 0.75;
export const ESP32_VIL_RATIO = 0.25;
export const ESP32_ADC_BITS = ESP32_ADC.adcBits;
/** Full-scale input of the ESP32 ADC as the simulator models it (11 dB attenuation, nominal). */
export const ESP32_ADC_VREF = ESP32_ADC.vref;
/** Arduino analogWrite frequency on most Uno PWM pins (the profile's per-pin table decides; see device-model). */
export const DEFAULT_PROBE_PWM_HZ = 16e6 / 64 / 510;

/**
 * What the probe should read for a DUT PWM duty through an RC wire: device-model's expectRcReading (the HIL
 * tolerance and settle time) in a flat call shape.
 */
export function expectRcCounts(args: {
  fraction: number;
  dutVcc: number;
  freqHz: number;
  r: number;
  c: number;
  probe: ProbeProfile;
}): ExpectedReading {
  const { fraction, dutVcc, freqHz, r, c, probe } = args;
  const e = expectRcReading({ fraction, dutVcc, wire: { r, c }, probe, freq: freqHz });
  return { value: e.value, tolerance: e.tolerance, settleMs: e.settleMs };
}
