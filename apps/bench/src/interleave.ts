/**
 * Runs variants in alternating rounds so that machine noise (GC, turbo boost, other load) lands on every
 * variant alike. Order flips each round (ABC, CBA, ...) so no variant always runs right after another.
 */
export interface Variant {
  name: string;
  /** One measurement: returns the samples it produced (one latency, or one per receiving client). */
  sample(): Promise<number | readonly number[]>;
  /** Overrides InterleaveOptions.perRound (slow variants take fewer samples per round). */
  perRound?: number;
}

export interface InterleaveOptions {
  /** Rounds whose samples are thrown away (JIT warm-up, connection warm-up). */
  warmupRounds: number;
  rounds: number;
  /** Samples of each variant per round. */
  perRound: number;
}

export async function interleave(
  variants: readonly Variant[],
  opts: InterleaveOptions,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const total = opts.warmupRounds + opts.rounds;
  for (let round = 0; round < total; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const bucket = out.get(v.name) ?? [];
      const n = v.perRound ?? opts.perRound;
      for (let i = 0; i < n; i++) {
        const s = await v.sample();
        if (round < opts.warmupRounds) continue;
        if (typeof s === 'number') bucket.push(s);
        else for (const x of s) bucket.push(x);
      }
    }
  }
  return out;
}
