/**
 * Effective duty of a raw LEDC value. Both Arduino cores turn the maximum raw value (2^bits - 1) into a
 * permanently high output, so it means 100 %, not (2^bits - 1) / 2^bits.
 */
export function pwmFraction(raw: number, bits: number): number {
  const full = 2 ** bits;
  if (!(raw > 0)) return 0;
  if (raw >= full - 1) return 1;
  return raw / full;
}

/** Raw counts for a duty fraction: nearest count, with 1.0 landing on the full-on maximum. */
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
