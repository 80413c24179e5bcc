import { describe, expect, it } from 'vitest';
import { AvrError } from './errors';
import { loadFirmwareImage } from './firmata-image';
import { ATMEGA328P_FLASH_BYTES, MAX_HEX_CHARS, parseIntelHex } from './intel-hex';

const record = (type: number, offset: number, data: number[]) => {
  const bytes = [data.length, offset >> 8, offset & 0xff, type, ...data];
  const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return `:${[...bytes, sum]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()}`;
};
const EOF_RECORD = ':00000001FF';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof AvrError) return err.code;
    throw err;
  }
  return undefined;
}

describe('parseIntelHex', () => {
  it('places data records at their address, honours extended addresses, fills the rest with 0xFF', () => {
    const flash = parseIntelHex(
      [record(0, 0x0010, [1, 2, 3]), record(2, 0, [0x01, 0x00]), record(0, 0x0000, [9]), EOF_RECORD].join(
        '\r\n',
      ),
    );
    expect(flash.length).toBe(ATMEGA328P_FLASH_BYTES);
    expect([...flash.subarray(0x10, 0x13)]).toEqual([1, 2, 3]);
    expect(flash[0x1000]).toBe(9);
    expect(flash[0]).toBe(0xff);
  });

  it('refuses bad input with a typed error that says where', () => {
    expect(code(() => parseIntelHex('hello'))).toBe('invalid_hex');
    expect(code(() => parseIntelHex(`${record(0, 0, [1]).slice(0, -2)}00\n${EOF_RECORD}`))).toBe(
      'invalid_hex',
    );
    expect(code(() => parseIntelHex(record(0, 0, [1])))).toBe('invalid_hex'); // no EOF: truncated
    expect(code(() => parseIntelHex(EOF_RECORD))).toBe('invalid_hex'); // no program
    expect(code(() => parseIntelHex(`${record(0, 0x7fff, [1, 2])}\n${EOF_RECORD}`))).toBe('image_too_large');
    expect(code(() => parseIntelHex(' '.repeat(MAX_HEX_CHARS + 1)))).toBe('image_too_large');
    expect(code(() => parseIntelHex(`${record(7, 0, [])}\n${EOF_RECORD}`))).toBe('invalid_hex');
    expect(() => parseIntelHex('hello')).toThrow(/line 1/);
  });

  it('loads the default StandardFirmata image from avrgirl-arduino, and names a missing file', () => {
    const flash = loadFirmwareImage();
    // The reset vector is a JMP (0x940C) on every avr-gcc image.
    expect(flash[0]! | (flash[1]! << 8)).toBe(0x940c);
    expect(code(() => loadFirmwareImage('/nonexistent.hex'))).toBe('image_missing');
  });
});
