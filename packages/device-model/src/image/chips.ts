/**
 * Per-chip image facts. Chip ids: ESP-IDF components/bootloader_support/include/esp_app_format.h (esp_chip_id_t).
 * Offsets: esptool-facts.md "Images and offsets" and the esptool docs' firmware-image-format page
 * (IDF_TARGET_BOOTLOADER_OFFSET: 0x1000 on ESP32, 0x0 on S3 and C3).
 */
import type { ChipId } from '../boards/types';

export const IMAGE_CHIP_IDS: Readonly<Record<ChipId, number>> = {
  esp32: 0x0000,
  'esp32-s3': 0x0009,
  'esp32-c3': 0x0005,
};

export function chipForImageId(id: number): ChipId | null {
  const hit = (Object.keys(IMAGE_CHIP_IDS) as ChipId[]).find((chip) => IMAGE_CHIP_IDS[chip] === id);
  return hit ?? null;
}

/** `data`: a file that is not an image (e.g. a SPIFFS/LittleFS blob): only its bounds are checked. */
export type ImageRole = 'bootloader' | 'partitions' | 'otadata' | 'app' | 'data';

export interface FlashLayout {
  bootloader: number;
  partitions: number;
  /** boot_app0.bin / otadata (the Arduino default partition tables put it here). */
  otadata: number;
  app: number;
}

export function defaultFlashLayout(chip: ChipId): FlashLayout {
  return { bootloader: chip === 'esp32' ? 0x1000 : 0x0, partitions: 0x8000, otadata: 0xe000, app: 0x10000 };
}

/** The simulated module's flash (4 MB, ESP32-WROOM-32 and the DevKit modules the profiles assume). */
export const DEFAULT_FLASH_SIZE = 4 * 1024 * 1024;
