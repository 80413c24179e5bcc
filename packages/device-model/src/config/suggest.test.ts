import { describe, expect, it } from 'vitest';
import { closestKey, editDistance, unknownKeyHint } from './suggest';

describe('did you mean', () => {
  it('edit distance counts inserts, deletes, substitutions and neighbour swaps', () => {
    expect(editDistance('buttns', 'buttons')).toBe(1);
    expect(editDistance('ledz', 'leds')).toBe(1);
    expect(editDistance('pmw', 'pwm')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the closest key only when it is plausibly a typo', () => {
    const known = ['board', 'leds', 'pwm', 'buttons', 'sensors'];
    expect(closestKey('buttns', known)).toBe('buttons');
    expect(closestKey('LEDS', known)).toBe('leds');
    expect(closestKey('wifi', known)).toBeUndefined();
    expect(unknownKeyHint('sensros', known)).toMatch(/^did you mean 'sensors'\?/);
    expect(unknownKeyHint('wifi', known)).toMatch(/^remove it; known keys here: board, leds/);
  });
});
