import type { BoardId } from '../config/types';
import { ESP32_LEDC, esp32Gpios } from './esp32';
import { ESP32C3_LEDC, esp32c3Gpios } from './esp32c3';
import { ESP32S3_LEDC, esp32s3Gpios } from './esp32s3';
import type { BoardProfile, GpioInfo } from './types';

/** DevKitC (WROOM-32E): every usable GPIO is on the headers, flash pins too (labelled SD0-SD3, CMD, CLK). */
const DEVKITC_HEADERS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33, 34,
  35, 36, 39,
];
/** DOIT DevKit V1, 30-pin: no GPIO0 (BOOT button only) and no flash pins on the headers. */
const DOIT_HEADERS = [
  1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 25, 26, 27, 32, 33, 34, 35, 36, 39,
];

export const BOARDS: Record<BoardId, BoardProfile> = {
  'esp32-devkitc': {
    id: 'esp32-devkitc',
    name: 'ESP32-DevKitC',
    chip: 'esp32',
    module: 'ESP32-WROOM-32E (DevKitC-VE ships ESP32-WROVER-E with PSRAM on GPIO16/17)',
    psram: null,
    ledBuiltin: null,
    bootButton: 0,
    vcc: 3.3,
    adcBits: 12,
    ledc: ESP32_LEDC,
    gpios: esp32Gpios({
      exposed: DEVKITC_HEADERS,
      psram: false,
      psramOnVariants: true,
      notes: { 0: 'BOOT button' },
    }),
  },
  'esp32-doit-devkit-v1': {
    id: 'esp32-doit-devkit-v1',
    name: 'DOIT ESP32 DevKit V1',
    chip: 'esp32',
    module: 'ESP32-WROOM-32',
    psram: null,
    ledBuiltin: 2,
    bootButton: 0,
    vcc: 3.3,
    adcBits: 12,
    ledc: ESP32_LEDC,
    gpios: esp32Gpios({
      exposed: DOIT_HEADERS,
      psram: false,
      psramOnVariants: false,
      notes: { 0: 'BOOT button (not on the headers)', 2: 'on-board blue LED (LED_BUILTIN)' },
    }),
  },
  'esp32-s3-devkitc-1': {
    id: 'esp32-s3-devkitc-1',
    name: 'ESP32-S3-DevKitC-1',
    chip: 'esp32-s3',
    module: 'ESP32-S3-WROOM-1-N8R8',
    psram: 'octal PSRAM on GPIO33-37 (N8R8/N16R8 modules)',
    ledBuiltin: 48,
    bootButton: 0,
    vcc: 3.3,
    adcBits: 12,
    ledc: ESP32S3_LEDC,
    gpios: esp32s3Gpios(true),
  },
  'esp32-c3-devkitm-1': {
    id: 'esp32-c3-devkitm-1',
    name: 'ESP32-C3-DevKitM-1',
    chip: 'esp32-c3',
    module: 'ESP32-C3-MINI-1',
    psram: null,
    ledBuiltin: 8,
    bootButton: 9,
    vcc: 3.3,
    adcBits: 12,
    ledc: ESP32C3_LEDC,
    gpios: esp32c3Gpios(),
  },
};

export const BOARD_IDS = Object.keys(BOARDS) as BoardId[];

/** Profile for a board id, or undefined for an unknown id (the validator reports it). */
export function getBoard(id: string): BoardProfile | undefined {
  return Object.hasOwn(BOARDS, id) ? BOARDS[id as BoardId] : undefined;
}

export function getGpio(board: BoardProfile, pin: number): GpioInfo | undefined {
  return board.gpios.find((g) => g.gpio === pin);
}
