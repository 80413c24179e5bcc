import { describe, expect, it } from 'vitest';
import { FragmentTracker } from './fragment-tracker';

/** A masked client frame (RFC 6455 §5.2) with `len` payload bytes; 7-bit or 16-bit length. */
function frame(opcode: number, fin: boolean, len: number): Buffer {
  const head =
    len < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | len])
      : Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, Buffer.alloc(4 + len, 0x61)]);
}

describe('FragmentTracker', () => {
  it('flags a fragmented message, not a whole one, with a ping between the fragments', () => {
    const t = new FragmentTracker();
    t.feed(Buffer.concat([frame(1, true, 3), frame(1, false, 2), frame(9, true, 0), frame(0, true, 2)]));
    expect(t.nextWasFragmented()).toBe(false);
    expect(t.nextWasFragmented()).toBe(true);
    expect(t.nextWasFragmented()).toBe(false); // nothing more is known
  });

  it('reads the same stream fed one byte at a time (headers split across chunks, 16-bit lengths)', () => {
    const t = new FragmentTracker();
    const bytes = Buffer.concat([frame(1, false, 300), frame(0, true, 1), frame(2, true, 200)]);
    for (let i = 0; i < bytes.length; i++) t.feed(bytes.subarray(i, i + 1));
    expect(t.nextWasFragmented()).toBe(true);
    expect(t.nextWasFragmented()).toBe(false);
  });
});
