import type { ExpectedReading, ProbeProfile } from '@esphil/device-model';

// All analogue behaviour of the virtual bench lives here, so the simulator and the HIL expectations share one
// model. Times in milliseconds, voltages in volts, R in ohms, C in farads.

/** RC time constant in ms. */
export function rcTauMs(r: number, c: number): number {
  return r * c * 1000;
}

/** First-order step response: where a node at `v0` heading for `target` is after `dtMs`. */
export function rcStep(v0: number, target: number, dtMs: number, tauMs: number): number {
  if (tauMs <= 0 || dtMs <= 0) return dtMs <= 0 ? v0 : target;
  return target + (v0 - target) * Math.exp(-dtMs / tauMs);
}

interface RippleShape {
  vMax: number;
  vMin: number;
  a: number;
  periodMs: number;
}

function rippleShape(vHigh: number, fraction: number, freqHz: number, tauMs: number): RippleShape | null {
  if (!(freqHz > 0) || !(tauMs > 0) || fraction <= 0 || fraction >= 1) return null;
  const periodMs = 1000 / freqHz;
  // Steady state of a square wave through a first-order low-pass: charging for D*T towards vHigh, then
  // discharging for (1-D)*T towards 0; vMax = vHigh(1-a)/(1-ab), vMin = vMax*b.
  const a = Math.exp((-fraction * periodMs) / tauMs);
  const b = Math.exp((-(1 - fraction) * periodMs) / tauMs);
  const vMax = (vHigh * (1 - a)) / (1 - a * b);
  return { vMax, vMin: vMax * b, a, periodMs };
}

/** Peak-to-peak ripple of PWM (0..vHigh) after an RC low-pass, steady state. */
export function rcRipplePeakToPeak(vHigh: number, fraction: number, freqHz: number, tauMs: number): number {
  const s = rippleShape(vHigh, fraction, freqHz, tauMs);
  return s ? s.vMax - s.vMin : 0;
}

/**
 * Ripple component (deviation from the mean fraction*vHigh) at a point of the PWM period, phase in [0, 1):
 * the exact steady-state waveform, whose mean is exactly fraction*vHigh.
 */
export function rcRippleAt(
  vHigh: number,
  fraction: number,
  freqHz: number,
  tauMs: number,
  phase: number,
): number {
  const s = rippleShape(vHigh, fraction, freqHz, tauMs);
  if (!s) return 0;
  const p = phase - Math.floor(phase);
  const v =
    p < fraction
      ? vHigh + (s.vMin - vHigh) * Math.exp((-p * s.periodMs) / tauMs)
      : s.vMax * Math.exp((-(p - fraction) * s.periodMs) / tauMs);
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

/** ESP32 digital input thresholds as fractions of VDD (datasheet: VIH 0.75 VDD, VIL 0.25 VDD). */
export const ESP32_VIH_RATIO = 0.75;
export const ESP32_VIL_RATIO = 0.25;
export const ESP32_ADC_BITS = 12;
/** Full-scale input of the ESP32 ADC as the simulator models it (11 dB attenuation, nominal). */
export const ESP32_ADC_VREF = 3.3;
/** Arduino analogWrite frequency on most Uno PWM pins. */
export const DEFAULT_PROBE_PWM_HZ = 490;

/** Time for a full-scale step through the RC to come within one LSB of its final reading. */
export function rcSettleMs(r: number, c: number, adcBits: number): number {
  return rcTauMs(r, c) * Math.log(2 ** adcBits - 1);
}

/**
 * What the probe should read for a DUT PWM duty through an RC wire. Local stand-in for device-model's
 * expectRcReading until it lands; tolerance = half the ripple + quantisation + noise + settling residue (LSB).
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
  const max = 2 ** probe.adcBits - 1;
  const lsb = probe.vref / max;
  const ripple = rcRipplePeakToPeak(dutVcc, fraction, freqHz, rcTauMs(r, c));
  return {
    value: Math.min(max, (fraction * dutVcc * max) / probe.vref),
    tolerance: ripple / 2 / lsb + 0.5 + 1 + 1,
    settleMs: rcSettleMs(r, c, probe.adcBits),
  };
}
