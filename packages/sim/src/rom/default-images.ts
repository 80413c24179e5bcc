/**
 * The generated image set the simulated board can boot (and that tests and the default sim bench flash): the
 * device-model builder's bootloader, the Arduino default partition table, erased otadata (boot_app0) and an app
 * whose esp_app_desc_t carries `identity`, at the chip's default offsets.
 */
import {
  type AppIdentitySpec,
  buildAppImage,
  buildBootloaderImage,
  buildOtadata,
  buildPartitionTable,
  type ChipId,
  defaultFlashLayout,
} from '@esphil/device-model';
import { FlashModel } from './flash-model';

export interface NamedImage {
  offset: number;
  name: string;
  data: Uint8Array;
}

export const DEFAULT_APP_IDENTITY: AppIdentitySpec = { projectName: 'esphil-firmware', version: '0.1.0' };

export function defaultImageSet(
  chip: ChipId,
  identity: AppIdentitySpec = DEFAULT_APP_IDENTITY,
): NamedImage[] {
  const layout = defaultFlashLayout(chip);
  return [
    { offset: layout.bootloader, name: 'bootloader.bin', data: buildBootloaderImage(chip) },
    { offset: layout.partitions, name: 'partitions.bin', data: buildPartitionTable() },
    { offset: layout.otadata, name: 'boot_app0.bin', data: buildOtadata(null) },
    { offset: layout.app, name: 'firmware.bin', data: buildAppImage(chip, identity) },
  ];
}

/** A flash chip holding `images` (erased elsewhere). */
export function flashWithImages(images: readonly NamedImage[], size?: number): FlashModel {
  const flash = new FlashModel(size);
  for (const image of images) flash.write(image.offset, image.data);
  return flash;
}
