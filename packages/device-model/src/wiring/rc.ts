/**
 * PWM through an RC low-pass into an ADC: the bench's way of measuring duty with StandardFirmata.
 * The capacitor charges towards the PWM's mean (duty x V_high) with tau = R x C and keeps a small ripple at
 * the PWM frequency.
 */
import type { ExpectedReading, ProbeProfile, RcWire } from './types';

/** ADC quantisation and differential nonlinearity, counts. */
export const DEFAULT_ADC_QUANT_COUNTS = 1;
/** Extra allowance for supply/reference tolerances and resistor loading, as a fraction of the ADC range. */
export const DEFAULT_RC_MARGIN_FRACTION = 0.03;
/** ESP32 ADC: 12 bits; with 11 dB attenuation it reads roughly 0..3.3 V but is nonlinear near the ends. */
export const ESP32_ADC = { vref: 3.3, adcBits: 12 } as const;
/** The ESP32 ADC's nonlinearity needs a wider default allowance. */
export const DEFAULT_DUT_ADC_MARGIN_FRACTION = 0.05;

export interface RcRipple {
  /** Steady-state band of the capacitor voltage, volts. */
  min: number;
  max: number;
  /** Peak to peak. */
  pp: number;
}

/** Exact steady-state ripple of an RC low-pass driven by a 0 / vHigh square wave of the given duty. */
export function rcRipple(p: {
  vHigh: number;
  fraction: number;
  freq: number;
  r: number;
  c: number;
}): RcRipple {
  const mean = p.fraction * p.vHigh;
  if (p.fraction <= 0 || p.fraction >= 1 || !(p.freq > 0)) return { min: mean, max: mean, pp: 0 };
  const tau = p.r * p.c;
  const period = 1 / p.freq;
  const a = Math.exp((-p.fraction * period) / tau);
  const b = Math.exp((-(1 - p.fraction) * period) / tau);
  const max = (p.vHigh * (1 - a)) / (1 - a * b);
  const min = max * b;
  return { min, max, pp: max - min };
}

/** Mean capacitor voltage `elapsedMs` after the PWM mean stepped from `from` to `to` volts. */
export function rcResponse(p: { from: number; to: number; r: number; c: number; elapsedMs: number }): number {
  const tauMs = p.r * p.c * 1000;
  if (!(tauMs > 0)) return p.to;
  return p.to + (p.from - p.to) * Math.exp(-Math.max(0, p.elapsedMs) / tauMs);
}

/** Time for a step of `fullScale` to come within `tolerance` (same unit): tau x ln(fullScale / tolerance). */
export function rcSettleMs(p: { r: number; c: number; fullScale: number; tolerance: number }): number {
  if (!(p.tolerance > 0) || p.fullScale <= p.tolerance) return 0;
  return Math.ceil(p.r * p.c * 1000 * Math.log(p.fullScale / p.tolerance));
}

export interface RcExpectation extends ExpectedReading {
  /** The tolerance's parts, counts. */
  quantisation: number;
  ripple: number;
  margin: number;
  /** Reading for a full-on output: the step height settleMs is computed for. */
  fullScale: number;
  tauMs: number;
}

export interface RcLevelInput {
  /** Effective duty, 0..1 (use pwmFraction for raw values: full on is 1). */
  fraction: number;
  /** Volts of the driving output's high level. */
  vHigh: number;
  vref: number;
  adcBits: number;
  r: number;
  c: number;
  /** PWM frequency, Hz (for the ripple). */
  freq: number;
  marginFraction?: number;
  quantisationCounts?: number;
}

/** Generic ADC reading of a filtered PWM level (both directions: DUT -> probe and probe -> DUT). */
export function expectRcLevel(p: RcLevelInput): RcExpectation {
  const maxCount = 2 ** p.adcBits - 1;
  const perVolt = maxCount / p.vref;
  const clip = (v: number): number => Math.min(maxCount, Math.max(0, v));
  const mean = p.fraction * p.vHigh;
  const value = clip(mean * perVolt);
  const rip = rcRipple({ vHigh: p.vHigh, fraction: p.fraction, freq: p.freq, r: p.r, c: p.c });
  // The reading can fall anywhere in the ripple band; the mean is not centred in it.
  const ripple = Math.max(rip.max - mean, mean - rip.min) * perVolt;
  const quantisation = p.quantisationCounts ?? DEFAULT_ADC_QUANT_COUNTS;
  const margin = (p.marginFraction ?? DEFAULT_RC_MARGIN_FRACTION) * maxCount;
  const tolerance = quantisation + ripple + margin;
  const fullScale = clip(p.vHigh * perVolt);
  return {
    value,
    tolerance,
    settleMs: rcSettleMs({ r: p.r, c: p.c, fullScale, tolerance }),
    quantisation,
    ripple,
    margin,
    fullScale,
    tauMs: p.r * p.c * 1000,
  };
}

/**
 * What the probe's analog pin reads for a DUT PWM output through an RC wire:
 * value = fraction x dutVcc / vref x (2^adcBits - 1) (a 3.3 V full on reads ~675 on a 5 V Uno).
 */
export function expectRcReading(p: {
  fraction: number;
  dutVcc: number;
  wire: Pick<RcWire, 'r' | 'c'>;
  probe: ProbeProfile;
  /** PWM frequency, Hz. Default 5000 (the config default). */
  freq?: number;
  marginFraction?: number;
}): RcExpectation {
  const input: RcLevelInput = {
    fraction: p.fraction,
    vHigh: p.dutVcc,
    vref: p.probe.vref,
    adcBits: p.probe.adcBits,
    r: p.wire.r,
    c: p.wire.c,
    freq: p.freq ?? 5000,
  };
  if (p.marginFraction !== undefined) input.marginFraction = p.marginFraction;
  return expectRcLevel(input);
}

/** What the DUT's ADC (12-bit, ~3.3 V range) reads for a probe PWM output through an analog-drive RC wire. */
export function expectDutAdcReading(p: {
  fraction: number;
  probe: ProbeProfile;
  wire: { r: number; c: number };
  /** Probe PWM frequency, Hz. Default 490 (Uno analogWrite on most pins). */
  freq?: number;
  marginFraction?: number;
}): RcExpectation {
  return expectRcLevel({
    fraction: p.fraction,
    vHigh: p.probe.vcc,
    vref: ESP32_ADC.vref,
    adcBits: ESP32_ADC.adcBits,
    r: p.wire.r,
    c: p.wire.c,
    freq: p.freq ?? 490,
    marginFraction: p.marginFraction ?? DEFAULT_DUT_ADC_MARGIN_FRACTION,
  });
}
