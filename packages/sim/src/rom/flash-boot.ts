/**
 * What a normal (SPI flash) boot does with the flash contents: the ROM loads the 2nd-stage bootloader, which reads
 * the partition table and otadata, picks the app partition and verifies the app image before jumping to it.
 * Failure texts are the ROM's and ESP-IDF bootloader_support's own (esp_image_format.c "image at 0x%x has invalid
 * magic byte", "Checksum failed. Calculated 0x%x read 0x%x", "Image hash failed - image is corrupt", "mismatch chip
 * ID, expected %d, found %d"; flash_partitions.c "partition %d invalid magic number 0x%x", "Incorrect MD5 checksum";
 * bootloader_utility.c "Failed to verify partition table", "Factory app partition is not bootable",
 * "OTA app partition slot %d is not bootable", "No bootable app partitions in the partition table"). The ESP32 ROM's
 * "invalid header: 0x%08x" and "csum err" lines for a bad bootloader are as users report them (line numbers after
 * them: guess). Timestamps in "E (ms)" are modelled, not measured.
 */
import {
  type AppDescriptor,
  bootPartition,
  type ChipId,
  defaultFlashLayout,
  IMAGE_CHIP_IDS,
  ImageError,
  otaSlotCount,
  type PartitionEntry,
  type PartitionTable,
  parseImage,
  parseOtadata,
  parsePartitionTable,
  SUBTYPE_FACTORY,
  SUBTYPE_OTA_0,
  selectedOtaSlot,
} from '@esphil/device-model';
import type { FlashModel } from './flash-model';

export type FlashBootResult =
  | { ok: true; lines: string[]; app: AppDescriptor; partition: PartitionEntry }
  | { ok: false; lines: string[]; reason: string };

/** Largest image the bootloader reads for a check (the app partition bounds it further). */
const MAX_BOOTLOADER_BYTES = 0x7000;

const log = (level: 'E' | 'I' | 'W', ms: number, tag: string, text: string) =>
  `${level} (${ms}) ${tag}: ${text}`;

function imageFailure(error: ImageError, at: number, chip: ChipId, found: number | null): string {
  switch (error.code) {
    case 'image_bad_magic':
      return `image at 0x${at.toString(16)} has invalid magic byte (nothing flashed here?)`;
    case 'image_wrong_chip':
      return `mismatch chip ID, expected ${IMAGE_CHIP_IDS[chip]}, found ${found ?? '?'}`;
    case 'image_bad_sha256':
      return 'Image hash failed - image is corrupt';
    case 'image_no_app_desc':
      return 'Failed to fetch app description header!';
    default:
      return error.message.replace(/^[^:]*: /, '');
  }
}

function checksumLine(error: ImageError): string | null {
  const m = /checksum byte 0x([0-9a-f]+), segments sum to 0x([0-9a-f]+)/.exec(error.message);
  return m ? `Checksum failed. Calculated 0x${m[2]} read 0x${m[1]}` : null;
}

function checkBootloader(flash: FlashModel, chip: ChipId): string[] | null {
  const at = defaultFlashLayout(chip).bootloader;
  const data = flash.read(at, MAX_BOOTLOADER_BYTES);
  const word = new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true);
  try {
    parseImage(data, { expectedChip: chip });
    return null;
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    if (error.code === 'image_bad_magic') return [`invalid header: 0x${word.toString(16).padStart(8, '0')}`];
    if (error.code === 'image_bad_checksum') return ['csum err', 'ets_main.c 371 '];
    return [log('E', 0, 'boot', `bootloader image: ${error.message.replace(/^[^:]*: /, '')}`)];
  }
}

function readTable(flash: FlashModel, chip: ChipId): { table: PartitionTable } | { lines: string[] } {
  const at = defaultFlashLayout(chip).partitions;
  try {
    return { table: parsePartitionTable(flash.read(at, 0xc00), { flashSize: flash.size }) };
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    const detail =
      error.code === 'partition_bad_md5'
        ? 'Incorrect MD5 checksum'
        : error.code === 'partition_bad_magic' || error.code === 'partition_no_md5'
          ? `partition 0 invalid magic number 0x${new DataView(flash.read(at, 2).slice().buffer).getUint16(0, true).toString(16)}`
          : error.message.replace(/^[^:]*: /, '');
    return {
      lines: [
        log('E', 41, 'flash_parts', detail),
        log('E', 46, 'boot', 'Failed to verify partition table'),
        log('E', 51, 'boot', 'load partition table error!'),
      ],
    };
  }
}

function partitionName(p: PartitionEntry): string {
  return p.subtype === SUBTYPE_FACTORY
    ? 'Factory app partition'
    : `OTA app partition slot ${p.subtype - SUBTYPE_OTA_0}`;
}

function selectedSlot(flash: FlashModel, table: PartitionTable): number | null {
  const ota = table.entries.find((e) => e.type === 0x01 && e.subtype === 0x00);
  if (!ota) return null;
  return selectedOtaSlot(parseOtadata(flash.read(ota.offset, 0x2000)), otaSlotCount(table));
}

/** Runs the boot-time checks on `flash` for `chip`. */
export function bootFromFlash(flash: FlashModel, chip: ChipId): FlashBootResult {
  const romFail = checkBootloader(flash, chip);
  if (romFail) return { ok: false, lines: romFail, reason: 'bootloader image invalid' };
  const read = readTable(flash, chip);
  if ('lines' in read) return { ok: false, lines: read.lines, reason: 'partition table invalid' };
  const lines = [log('I', 29, 'boot', 'ESP-IDF 2nd stage bootloader (simulated)')];
  const partition = bootPartition(read.table, selectedSlot(flash, read.table));
  if (!partition) {
    lines.push(log('E', 60, 'boot', 'No bootable app partitions in the partition table'));
    return { ok: false, lines, reason: 'no app partition' };
  }
  const data = flash.read(partition.offset, partition.size);
  const found =
    data.length >= 14 ? new DataView(data.buffer, data.byteOffset + 12, 2).getUint16(0, true) : null;
  try {
    const image = parseImage(data, { expectedChip: chip, requireAppDesc: true });
    lines.push(
      log('I', 80, 'boot', `Loaded app from partition at offset 0x${partition.offset.toString(16)}`),
    );
    return { ok: true, lines, app: image.appDesc as AppDescriptor, partition };
  } catch (error) {
    if (!(error instanceof ImageError)) throw error;
    lines.push(
      log('E', 66, 'esp_image', checksumLine(error) ?? imageFailure(error, partition.offset, chip, found)),
    );
    lines.push(log('E', 71, 'boot', `${partitionName(partition)} is not bootable`));
    lines.push(log('E', 76, 'boot', 'No bootable app partitions in the partition table'));
    return { ok: false, lines, reason: error.message };
  }
}
