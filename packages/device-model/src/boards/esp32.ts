/**
 * Original ESP32 (ESP32-D0WD): GPIO 0-39 without 20, 24, 28-31.
 * Sources: ESP32 datasheet (strapping, ADC mux), hardware-facts.md (input-only 34-39, flash 6-11, PSRAM 16/17).
 */
import { adc, gpio } from './gpio';
import type { GpioInfo, LedcProfile } from './types';

export const ESP32_LEDC: LedcProfile = {
  channels: 16,
  groups: 2,
  channelsPerGroup: 8,
  timersPerGroup: 4,
  maxBits: 20,
  clockHz: 80_000_000,
  highSpeedGroup: true,
};

const ADC1: Record<number, number> = { 36: 0, 37: 1, 38: 2, 39: 3, 32: 4, 33: 5, 34: 6, 35: 7 };
const ADC2: Record<number, number> = { 4: 0, 0: 1, 2: 2, 15: 3, 13: 4, 12: 5, 14: 6, 27: 7, 25: 8, 26: 9 };
const STRAPPING: Record<number, string> = {
  0: 'GPIO0 low at reset enters ROM download mode',
  2: 'GPIO2 must be low or floating to enter download mode',
  5: 'GPIO5 sets SDIO slave timing at reset',
  12: 'GPIO12 (MTDI) high at reset selects 1.8 V flash and can brown out a 3.3 V flash module',
  15: 'GPIO15 (MTDO) low at reset silences the ROM boot log',
};
export const ESP32_GPIO_NUMBERS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33, 34,
  35, 36, 37, 38, 39,
];

export interface Esp32Variant {
  /** GPIOs on the headers. */
  exposed: number[];
  /** PSRAM module: GPIO16/17 taken. */
  psram: boolean;
  /** The board is also sold with a PSRAM module. */
  psramOnVariants: boolean;
  notes?: Record<number, string>;
}

export function esp32Gpios(v: Esp32Variant): GpioInfo[] {
  return ESP32_GPIO_NUMBERS.map((n) => {
    const a1 = ADC1[n];
    const a2 = ADC2[n];
    const inputOnly = n >= 34;
    const flash = n >= 6 && n <= 11;
    const psramPin = n === 16 || n === 17;
    return gpio(n, {
      flash,
      output: !flash && !inputOnly,
      pulls: !flash && !inputOnly,
      pwm: !flash && n < 34,
      psram: psramPin && v.psram,
      psramOnVariants: psramPin && !v.psram && v.psramOnVariants,
      strapping: STRAPPING[n] ?? null,
      uart0: n === 1 ? 'TX' : n === 3 ? 'RX' : null,
      adc: a1 !== undefined ? adc(1, a1) : a2 !== undefined ? adc(2, a2) : null,
      exposed: v.exposed.includes(n),
      note: v.notes?.[n] ?? null,
    });
  });
}
