import { describe, expect, it } from 'vitest';
import { parseShard, shardSuites } from './shard';

describe('shards', () => {
  it('parses i/n and rejects nonsense with a hint', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1-2', ''])
      expect(() => parseShard(bad)).toThrow(/is not i\/n/);
  });

  it('every suite lands on exactly one shard, independent of discovery order', () => {
    const suites = ['reset', 'boot', 'led', 'pwm', 'button', 'sensor', 'frames'];
    for (const n of [1, 2, 3, 7, 9]) {
      const parts = Array.from({ length: n }, (_, i) => shardSuites(suites, { index: i + 1, count: n }));
      expect(parts.flat().sort()).toEqual([...suites].sort());
      const reversed = Array.from({ length: n }, (_, i) =>
        shardSuites([...suites].reverse(), { index: i + 1, count: n }),
      );
      expect(reversed).toEqual(parts);
    }
    expect(shardSuites(suites, { index: 2, count: 3 })).toEqual(['button', 'pwm']);
    expect(shardSuites(suites, null)).toHaveLength(7);
  });
});
