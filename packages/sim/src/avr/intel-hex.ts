import { AvrError } from './errors';

/** ATmega328P program flash, bytes. */
export const ATMEGA328P_FLASH_BYTES = 32 * 1024;
/** Longest HEX text accepted (32 KB of data is ~90 KB of HEX; anything far bigger is not an Uno image). */
export const MAX_HEX_CHARS = 1024 * 1024;

/**
 * Intel HEX (record types 00 data, 01 EOF, 02 extended segment address, 04 extended linear address; 03/05
 * start addresses are ignored) into a flash image, checksums verified. Throws AvrError `invalid_hex` with the
 * line number, or `image_too_large` when data lands beyond `flashBytes`.
 */
export function parseIntelHex(text: string, flashBytes = ATMEGA328P_FLASH_BYTES): Uint8Array {
  if (text.length > MAX_HEX_CHARS) {
    throw new AvrError('image_too_large', `HEX file is ${text.length} characters; at most ${MAX_HEX_CHARS}`);
  }
  const flash = new Uint8Array(flashBytes).fill(0xff);
  let base = 0;
  let sawEof = false;
  let sawData = false;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length && !sawEof; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const where = `line ${n + 1}`;
    if (!/^:([0-9a-fA-F]{2})+$/.test(line)) {
      throw new AvrError('invalid_hex', `${where}: not an Intel HEX record (":" then hex byte pairs)`);
    }
    const bytes = Buffer.from(line.slice(1), 'hex');
    const count = bytes[0]!;
    if (bytes.length !== count + 5) {
      throw new AvrError(
        'invalid_hex',
        `${where}: record says ${count} data bytes but has ${bytes.length - 5}`,
      );
    }
    const sum = bytes.reduce((a, b) => (a + b) & 0xff, 0);
    if (sum !== 0) throw new AvrError('invalid_hex', `${where}: checksum mismatch`);
    const offset = (bytes[1]! << 8) | bytes[2]!;
    const type = bytes[3]!;
    const data = bytes.subarray(4, 4 + count);
    switch (type) {
      case 0x00: {
        const at = base + offset;
        if (at + count > flashBytes) {
          throw new AvrError(
            'image_too_large',
            `${where}: data at 0x${at.toString(16)} is beyond the ${flashBytes}-byte flash`,
          );
        }
        flash.set(data, at);
        sawData = true;
        break;
      }
      case 0x01:
        sawEof = true;
        break;
      case 0x02:
        base = ((data[0]! << 8) | data[1]!) << 4;
        break;
      case 0x04:
        base = ((data[0]! << 8) | data[1]!) << 16;
        break;
      case 0x03:
      case 0x05:
        break;
      default:
        throw new AvrError('invalid_hex', `${where}: unknown record type 0x${type.toString(16)}`);
    }
  }
  if (!sawEof)
    throw new AvrError('invalid_hex', 'no end-of-file record (":00000001FF"): the file is truncated');
  if (!sawData) throw new AvrError('invalid_hex', 'no data records: the file holds no program');
  return flash;
}
