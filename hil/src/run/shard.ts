import { HilError } from '../errors';

export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (1-based). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new HilError(
      'bad_args',
      `--shard "${text}" is not i/n with 1 <= i <= n`,
      'e.g. --shard 1/3 on the first of three benches',
    );
  }
  return { index, count };
}

/**
 * Splits suite files across shards: sorted by name, dealt round-robin, so every suite lands on exactly one shard
 * and the split does not depend on the order files were found in.
 */
export function shardSuites<T extends string>(suites: readonly T[], shard: Shard | null): T[] {
  const sorted = [...suites].sort();
  if (!shard) return sorted;
  return sorted.filter((_, i) => i % shard.count === shard.index - 1);
}
