import { describe, expect, it } from 'vitest';
import { isLegacyText } from './legacy';

const enc = new TextEncoder();

describe('isLegacyText', () => {
  it.each([
    ['LED ON', 'on'],
    ['LED OFF', 'off'],
    ['LED ON\n', 'on'],
    ['LED OFF\r\n', 'off'],
    ['led on', null],
    ['LED  ON', null],
    [' LED ON', null],
    ['LED ON\n\n', null],
    ['LED ONX', null],
    ['LED', null],
    ['', null],
    ['{"id":1,"op":"led.set"}', null],
  ] as const)('%j -> %s (as text and as bytes)', (text, want) => {
    expect(isLegacyText(text)).toBe(want);
    expect(isLegacyText(enc.encode(text))).toBe(want);
  });
});
