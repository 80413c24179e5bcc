/**
 * What each chip's ROM loader answers, per chip. Sources (read, not copied):
 * - esptool-js 0.7.0 lib/esploader.js (magic2Chip values, CHIP_DETECT_MAGIC_REG_ADDR 0x40001000, getSecurityInfo's
 *   20-byte answer with the chip id at bytes 12-15) and lib/targets/esp32*.js (efuse, UART_CLKDIV and SPI addresses);
 * - esptool docs advanced-topics/serial-protocol (status bytes: 4 on the ESP32 ROM, 2 on newer ROMs and the stub);
 * - esptool loader.py: GET_SECURITY_INFO is "supported by ESP32-S2 and later chips ROM bootloader only".
 */
import type { ChipId } from '@esphil/device-model';

export interface ChipRom {
  chip: ChipId;
  /** Value at 0x40001000 (the magic register esptool reads to tell chips apart). */
  magic: number;
  /** Status bytes after the data in every ROM answer. */
  romStatusBytes: 2 | 4;
  /** GET_SECURITY_INFO chip id, or null when the ROM lacks the command (ESP32). */
  securityChipId: number | null;
  /** UART_CLKDIV_REG: esptool estimates the crystal from it (ESP32 only; S3/C3 report 40 MHz without reading). */
  uartClkdivReg: number;
  /** Where the two MAC words are: [low word address, high word address]. */
  macRegs: [number, number];
  spiRegBase: number;
  spiW0Offset: number;
  /** Text the ROM prints for its build date (ESP32 ROM banner; S3/C3 print other dates: guess, see console-text). */
  romDate: string;
}

export const CHIP_DETECT_MAGIC_REG = 0x40001000;

export const CHIP_ROMS: Readonly<Record<ChipId, ChipRom>> = {
  esp32: {
    chip: 'esp32',
    magic: 0x00f01d83,
    romStatusBytes: 4,
    securityChipId: null,
    uartClkdivReg: 0x3ff40014,
    // EFUSE_RD_REG_BASE 0x3ff5a000, words 1 and 2 (esptool-js targets/esp32.js readMac).
    macRegs: [0x3ff5a004, 0x3ff5a008],
    spiRegBase: 0x3ff42000,
    spiW0Offset: 0x80,
    romDate: 'ets Jun  8 2016 00:22:57',
  },
  'esp32-s3': {
    chip: 'esp32-s3',
    // esptool-js magic2Chip has an S3 entry of 0x9; S3 ROMs answer GET_SECURITY_INFO, so it is rarely read.
    magic: 0x00000009,
    romStatusBytes: 2,
    securityChipId: 9,
    uartClkdivReg: 0x60000014,
    macRegs: [0x60007044, 0x60007048],
    spiRegBase: 0x60002000,
    spiW0Offset: 0x58,
    romDate: 'ESP-ROM:esp32s3-20210327',
  },
  'esp32-c3': {
    chip: 'esp32-c3',
    magic: 0x1b31506f,
    romStatusBytes: 2,
    securityChipId: 5,
    uartClkdivReg: 0x60000014,
    macRegs: [0x60008844, 0x60008848],
    spiRegBase: 0x60002000,
    spiW0Offset: 0x58,
    romDate: 'ESP-ROM:esp32c3-api1-20210207',
  },
};

/** JEDEC id the modelled flash answers to RDID (0x9F): Winbond (0xEF), W25Q32 (0x40 0x16 = 4 MB). */
export const FLASH_JEDEC_ID = 0x1640ef;
