/**
 * Seeded PRNG (mulberry32): every random choice in the sim (latency, noise, fault dice, boot ids) comes from
 * one of these so a run is reproducible from its seed.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** Lower-case hex string of `chars` characters. */
  hex(chars: number): string;
}

export const DEFAULT_SEED = 0x5eed;

export function createRng(seed: number = DEFAULT_SEED): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    hex: (chars) => {
      let out = '';
      for (let i = 0; i < chars; i++) out += Math.floor(next() * 16).toString(16);
      return out;
    },
  };
}
