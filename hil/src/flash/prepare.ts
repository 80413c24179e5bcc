/**
 * From a firmware source to checked images in memory, before the board is touched: files (platformio, flasherArgs,
 * images) are resolved against the bench file and every one is checked (./load.ts); `generated` builds sim's default
 * image set with the bench's identity and checks it the same way.
 */
import { type ChipId, checkImageSet } from '@esphil/device-model';
import { defaultImageSet } from '@esphil/sim';
import { type LoadedImage, loadImageSet } from './load';
import { resolveImageSet } from './resolve';
import type { FirmwareSource } from './section';

export interface PrepareOptions {
  benchDir: string;
  chip: ChipId;
  flashSize?: number;
}

export function prepareImages(source: FirmwareSource, options: PrepareOptions): LoadedImage[] {
  if (source.kind === 'command') return [];
  if (source.kind === 'generated') {
    const images = defaultImageSet(options.chip, {
      projectName: source.projectName,
      version: source.version,
    });
    return checkImageSet(images, options).map((image) => ({ ...image, path: `(generated) ${image.name}` }));
  }
  return loadImageSet(resolveImageSet(source, options), options);
}
