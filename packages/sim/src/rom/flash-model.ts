/**
 * The module's SPI NOR flash: erased = 0xFF, a write can only clear bits (NOR programming ANDs), erase works on 4 KB
 * sectors. Size 4 MB by default (ESP32-WROOM-32 and the DevKit modules in the board profiles).
 */
import { DEFAULT_FLASH_SIZE } from '@esphil/device-model';

export const FLASH_SECTOR = 0x1000;

export class FlashModel {
  readonly bytes: Uint8Array;

  constructor(readonly size = DEFAULT_FLASH_SIZE) {
    this.bytes = new Uint8Array(size).fill(0xff);
  }

  contains(offset: number, length: number): boolean {
    return Number.isInteger(offset) && offset >= 0 && length >= 0 && offset + length <= this.size;
  }

  /** Erases every sector the range touches. */
  erase(offset: number, length: number): void {
    const start = Math.floor(offset / FLASH_SECTOR) * FLASH_SECTOR;
    const end = Math.min(this.size, Math.ceil((offset + length) / FLASH_SECTOR) * FLASH_SECTOR);
    this.bytes.fill(0xff, start, end);
  }

  program(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; i++) {
      const at = offset + i;
      this.bytes[at] = (this.bytes[at] as number) & (data[i] as number);
    }
  }

  /** Erase then program, as a host flashing a whole image expects. */
  write(offset: number, data: Uint8Array): void {
    this.erase(offset, data.length);
    this.program(offset, data);
  }

  read(offset: number, length: number): Uint8Array {
    return this.bytes.subarray(offset, offset + length);
  }
}
