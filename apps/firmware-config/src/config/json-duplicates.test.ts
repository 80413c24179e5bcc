import { describe, expect, it } from 'vitest';
import { findDuplicateJsonKey } from './json-duplicates';

describe('findDuplicateJsonKey', () => {
  it('finds the second occurrence, nested in arrays and objects', () => {
    const text = '{"a": [1, {"b": 1, "c": {"d": 1, "d": 2}}]}';
    expect(findDuplicateJsonKey(text)).toEqual({
      key: 'd',
      path: 'a[1].c.d',
      offset: text.lastIndexOf('"d"'),
    });
  });

  it('compares decoded keys (escapes) and ignores string values', () => {
    expect(findDuplicateJsonKey('{"\\u0061": 1, "a": 2}')?.key).toBe('a');
    expect(findDuplicateJsonKey('{"a": "a", "b": ["a", "a"], "c": {"a": 1}}')).toBeNull();
  });
});
