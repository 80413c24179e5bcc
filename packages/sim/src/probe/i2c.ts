import { END_SYSEX, START_SYSEX } from './firmata-constants';

/** Firmata sysex I2C commands (firmata/protocol i2c.md). */
export const I2C_REQUEST = 0x76;
export const I2C_REPLY = 0x77;
export const I2C_CONFIG = 0x78;
/** StandardFirmata's I2C_MAX_QUERIES: continuous reads it keeps. */
export const I2C_MAX_QUERIES = 8;

export type I2cMode = 'write' | 'read-once' | 'read-continuous' | 'stop';

export interface I2cRequest {
  address: number;
  mode: I2cMode;
  /** Register to read from, or null when the request names none (StandardFirmata then reports 0). */
  register: number | null;
  bytesToRead: number;
}

const MODES: I2cMode[] = ['write', 'read-once', 'read-continuous', 'stop'];

/** Decode an I2C_REQUEST body (7-bit addressing; 10-bit requests are refused by StandardFirmata too). */
export function parseI2cRequest(data: number[]): I2cRequest | null {
  const [lsb, msb, ...rest] = data;
  if (lsb === undefined || msb === undefined) return null;
  if (msb & 0x20) return null; // 10-bit mode: "10-bit addressing not supported"
  const mode = MODES[(msb >> 3) & 0x03]!;
  const words: number[] = [];
  for (let i = 0; i + 1 < rest.length; i += 2) words.push((rest[i]! & 0x7f) | ((rest[i + 1]! & 0x7f) << 7));
  const [a, b] = words;
  const register = words.length >= 2 ? (a ?? null) : null;
  const bytesToRead = words.length >= 2 ? (b ?? 0) : (a ?? 0);
  return { address: lsb & 0x7f, mode, register, bytesToRead };
}

/**
 * What readAndReportData() sends when no device answers (firmata/arduino 2.5.9 StandardFirmata.ino:
 * "I2C: Too few bytes received", then numBytes = Wire.available() = 0): an I2C_REPLY with the address and
 * register only, e.g. `F0 77 50 00 00 00 F7` for address 0x50.
 */
export function emptyBusReply(address: number, register: number | null): number[] {
  const reg = register ?? 0;
  return [START_SYSEX, I2C_REPLY, address & 0x7f, address >> 7, reg & 0x7f, (reg >> 7) & 0x7f, END_SYSEX];
}

export const I2C_TOO_FEW_BYTES = 'I2C: Too few bytes received';
