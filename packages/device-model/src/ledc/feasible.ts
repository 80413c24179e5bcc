import { ESP32_LEDC } from '../boards/esp32';
import { ESP32C3_LEDC } from '../boards/esp32c3';
import { ESP32S3_LEDC } from '../boards/esp32s3';
import type { ChipId, LedcProfile } from '../boards/types';

export const CHIP_LEDC: Record<ChipId, LedcProfile> = {
  esp32: ESP32_LEDC,
  'esp32-s3': ESP32S3_LEDC,
  'esp32-c3': ESP32C3_LEDC,
};

function profileOf(chip: ChipId | LedcProfile): LedcProfile {
  return typeof chip === 'string' ? CHIP_LEDC[chip] : chip;
}

/**
 * Why a frequency/resolution pair cannot be set up, or null when it can.
 * The LEDC counter runs from the 80 MHz APB clock, so freq x 2^bits must not exceed it.
 */
export function ledcProblem(freq: number, bits: number, chip: ChipId | LedcProfile): string | null {
  const p = profileOf(chip);
  if (!Number.isInteger(freq) || freq < 1) return `frequency ${freq} Hz is not a whole number of Hz >= 1`;
  if (!Number.isInteger(bits) || bits < 1 || bits > p.maxBits) {
    return `resolution ${bits} bits is outside 1..${p.maxBits}`;
  }
  if (freq * 2 ** bits > p.clockHz) {
    return `${freq} Hz x 2^${bits} = ${freq * 2 ** bits} exceeds the ${p.clockHz / 1e6} MHz LEDC clock (at most ${ledcMaxBits(freq, p)} bits at ${freq} Hz)`;
  }
  return null;
}

export function ledcFeasible(freq: number, bits: number, chip: ChipId | LedcProfile): boolean {
  return ledcProblem(freq, bits, chip) === null;
}

/** Highest resolution possible at a frequency (0 when even 1 bit is too much). */
export function ledcMaxBits(freq: number, chip: ChipId | LedcProfile): number {
  const p = profileOf(chip);
  if (!(freq >= 1)) return 0;
  let bits = 0;
  while (bits < p.maxBits && freq * 2 ** (bits + 1) <= p.clockHz) bits++;
  return bits;
}
