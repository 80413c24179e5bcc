/**
 * Reads the resolved files and checks them all (device-model checkImageSet) before anything is written: a bad
 * file throws FirmwareError('image_invalid') naming the file and the device-model code.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
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
  const inputs = images.map((image) => ({ ...image, data: readImageFile(image, flashSize) }));
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

/**
 * One open file handle for the size check and the read, so a file replaced or removed in between (a build still
 * writing it) cannot slip past the size limit or surface as a bare ENOENT.
 */
function readImageFile(image: ResolvedImage, flashSize: number): Uint8Array {
  let fd: number;
  try {
    fd = openSync(image.path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FirmwareError(
      'firmware_file_missing',
      `${image.name}: cannot open ${image.path} (${code ?? String(error)})`,
      'build the firmware first, or fix the path in the firmware section (paths are relative to the bench file)',
    );
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new FirmwareError(
        'firmware_file_missing',
        `${image.name}: ${image.path} is not a regular file`,
        'point the firmware section at the built .bin file',
      );
    }
    if (stat.size > flashSize) {
      throw new FirmwareError(
        'firmware_file_too_large',
        `${image.name}: ${stat.size} bytes is larger than the ${flashSize}-byte flash`,
        'check the path',
      );
    }
    const data = new Uint8Array(stat.size);
    let at = 0;
    while (at < data.length) {
      const n = readSync(fd, data, at, data.length - at, at);
      if (n === 0) break;
      at += n;
    }
    // A file that shrank while being read is a build in progress: check only what is really there.
    return at === data.length ? data : data.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}
