/**
 * Reads the resolved files and checks them all (device-model checkImageSet) before anything is written: a bad
 * file throws FirmwareError('image_invalid') naming the file and the device-model code.
 */
import { readFileSync, statSync } from 'node:fs';
import {
  type CheckedImage,
  type ChipId,
  checkImageSet,
  DEFAULT_FLASH_SIZE,
  ImageError,
} from '@esphil/device-model';
import { FirmwareError } from './errors';
import type { ResolvedImage } from './resolve';

export interface LoadedImage extends CheckedImage {
  path: string;
}

export interface LoadOptions {
  chip: ChipId;
  /** Flash size of the bench's module (no file may end past it). Default 4 MB. */
  flashSize?: number;
}

export function loadImageSet(images: readonly ResolvedImage[], options: LoadOptions): LoadedImage[] {
  const flashSize = options.flashSize ?? DEFAULT_FLASH_SIZE;
  const inputs = images.map((image) => {
    const size = statSync(image.path).size;
    if (size > flashSize) {
      throw new FirmwareError(
        'firmware_file_too_large',
        `${image.name}: ${size} bytes is larger than the ${flashSize}-byte flash`,
        'check the path',
      );
    }
    return { ...image, data: new Uint8Array(readFileSync(image.path)) };
  });
  try {
    const checked = checkImageSet(inputs, { chip: options.chip, flashSize });
    return checked.map((c, i) => ({ ...c, path: (inputs[i] as ResolvedImage).path }));
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    throw new FirmwareError(
      'image_invalid',
      error.message,
      'rebuild the firmware for the bench chip, or fix the file',
      error.code,
    );
  }
}
