/**
 * Effective duty of a raw LEDC value. Both Arduino cores' ledcWrite turn the maximum raw value (2^bits - 1) into a
 * permanently high output, so it means 100 %, not (2^bits - 1) / 2^bits. They skip that fix at 1 bit
 * (`max_duty != 1`), where raw 1 stays 50 %.
 */
export function pwmFraction(raw: number, bits: number): number {
  const full = 2 ** bits;
  if (!(raw > 0)) return 0;
  if (raw >= full - 1) return bits > 1 ? 1 : 0.5;
  return raw / full;
}

/**
 * Raw counts for a duty fraction: min(round(f x 2^bits), 2^bits - 1), so 1.0 lands on the full-on maximum.
 * Just below 1.0 this also rounds up to full on (an error of up to 1.5 counts, the price of the quirk).
 */
export function dutyToRaw(fraction: number, bits: number): number {
  const full = 2 ** bits;
  const f = Number.isNaN(fraction) ? 0 : Math.min(1, Math.max(0, fraction));
  return Math.min(Math.round(f * full), full - 1);
}

/** Rescales a raw duty to another resolution, keeping the effective fraction (full-on stays full-on). */
export function rescaleDuty(raw: number, fromBits: number, toBits: number): number {
  return dutyToRaw(pwmFraction(raw, fromBits), toBits);
}

export function maxDuty(bits: number): number {
  return 2 ** bits - 1;
}
