/**
 * Checks a whole set of (offset, bytes) images before anything is written: each file by the role its offset has
 * in the chip's default layout (chips.ts), plus overlaps and the flash size. The first problem throws ImageError
 * with the file named.
 */
import type { ChipId } from '../boards/types';
import { type AppDescriptor, IMAGE_MAGIC, parseImage } from './app-image';
import { DEFAULT_FLASH_SIZE, defaultFlashLayout, type ImageRole } from './chips';
import { ImageError } from './errors';
import { OTADATA_SIZE } from './otadata';
import { parsePartitionTable } from './partition-table';

export interface ImageInput {
  offset: number;
  /** Shown in messages: the file path as the user wrote it. */
  name: string;
  data: Uint8Array;
  /** What the file is; default: by offset (roleAt). */
  role?: ImageRole;
}

export interface CheckedImage extends ImageInput {
  role: ImageRole;
  /** The app's identity (role app only). */
  appDesc: AppDescriptor | null;
}

export interface ImageSetCheckOptions {
  chip: ChipId;
  flashSize?: number;
}

/** The role a file has at `offset` in the chip's default layout; elsewhere an image (0xE9) is an app, else data. */
export function roleAt(chip: ChipId, offset: number, data?: Uint8Array): ImageRole {
  const layout = defaultFlashLayout(chip);
  if (offset === layout.bootloader) return 'bootloader';
  if (offset === layout.partitions) return 'partitions';
  if (offset === layout.otadata) return 'otadata';
  if (offset === layout.app || data === undefined || data[0] === IMAGE_MAGIC) return 'app';
  return 'data';
}

function checkOne(image: ImageInput, options: ImageSetCheckOptions): CheckedImage {
  const role = image.role ?? roleAt(options.chip, image.offset, image.data);
  const name = `${image.name} @0x${image.offset.toString(16)}`;
  if (role === 'partitions') {
    parsePartitionTable(image.data, { name, flashSize: options.flashSize ?? DEFAULT_FLASH_SIZE });
    return { ...image, role, appDesc: null };
  }
  if (role === 'otadata') {
    if (image.data.length !== OTADATA_SIZE) {
      throw new ImageError(
        'otadata_bad_size',
        `${name}: ${image.data.length} bytes, otadata is ${OTADATA_SIZE}`,
      );
    }
    return { ...image, role, appDesc: null };
  }
  if (role === 'data') return { ...image, role, appDesc: null };
  const parsed = parseImage(image.data, { name, expectedChip: options.chip, requireAppDesc: role === 'app' });
  return { ...image, role, appDesc: parsed.appDesc };
}

export function checkImageSet(images: readonly ImageInput[], options: ImageSetCheckOptions): CheckedImage[] {
  const flashSize = options.flashSize ?? DEFAULT_FLASH_SIZE;
  const sorted = [...images].sort((a, b) => a.offset - b.offset);
  sorted.forEach((image, i) => {
    const next = sorted[i + 1];
    if (image.offset + image.data.length > flashSize) {
      throw new ImageError('image_too_large', `${image.name}: ends past the ${flashSize}-byte flash`);
    }
    if (next && image.offset + image.data.length > next.offset) {
      throw new ImageError(
        'partition_overlap',
        `${image.name} overlaps ${next.name} at 0x${next.offset.toString(16)}`,
      );
    }
  });
  return images.map((image) => checkOne(image, options));
}
