/**
 * Partition table (the binary gen_esp32part.py writes, flashed at 0x8000).
 * Source: ESP-IDF components/partition_table/gen_esp32part.py and esp_flash_partitions.h: 32-byte entries
 * (magic 0x50AA little-endian = bytes AA 50, type, subtype, offset u32, size u32, label 16, flags u32), then an MD5 row
 * (bytes EB EB, 14 x FF, MD5 of the entries before it), the rest 0xFF; at most 0xC00 bytes.
 */
import { ImageError } from './errors';
import { bytesEqual, md5 } from './hash';

export const PARTITION_MAGIC = 0x50aa;
export const PARTITION_MD5_MAGIC = 0xebeb;
export const PARTITION_ENTRY_SIZE = 32;
export const PARTITION_TABLE_MAX = 0xc00;
export const PARTITION_TYPE_APP = 0x00;
export const PARTITION_TYPE_DATA = 0x01;
export const SUBTYPE_FACTORY = 0x00;
export const SUBTYPE_OTA_0 = 0x10;
export const SUBTYPE_DATA_OTA = 0x00;

export interface PartitionEntry {
  type: number;
  subtype: number;
  offset: number;
  size: number;
  label: string;
  flags: number;
}

export interface PartitionTable {
  entries: PartitionEntry[];
  /** false when the table has no MD5 row (tables from before ESP-IDF 3.1 have none). */
  hasMd5: boolean;
}

export interface PartitionCheckOptions {
  name?: string;
  /** Refuse a table without an MD5 row. Default true (every Arduino/IDF build since 2018 writes one). */
  requireMd5?: boolean;
  /** Partitions must end inside this flash size. */
  flashSize?: number;
}

function readEntry(view: DataView, data: Uint8Array, pos: number): PartitionEntry {
  const labelBytes = data.subarray(pos + 12, pos + 28);
  const end = labelBytes.indexOf(0);
  return {
    type: data[pos + 2] as number,
    subtype: data[pos + 3] as number,
    offset: view.getUint32(pos + 4, true),
    size: view.getUint32(pos + 8, true),
    label: new TextDecoder().decode(end < 0 ? labelBytes : labelBytes.subarray(0, end)),
    flags: view.getUint32(pos + 28, true),
  };
}

function checkLayout(entries: PartitionEntry[], label: string, flashSize: number | undefined): void {
  const sorted = [...entries].sort((a, b) => a.offset - b.offset);
  sorted.forEach((e, i) => {
    const next = sorted[i + 1];
    if (next && e.offset + e.size > next.offset) {
      throw new ImageError('partition_overlap', `${label}: partition "${e.label}" overlaps "${next.label}"`);
    }
    if (flashSize !== undefined && e.offset + e.size > flashSize) {
      throw new ImageError(
        'partition_overlap',
        `${label}: partition "${e.label}" ends past the ${flashSize}-byte flash`,
      );
    }
  });
  if (!entries.some((e) => e.type === PARTITION_TYPE_APP)) {
    throw new ImageError('partition_no_app', `${label}: no app partition (factory or ota_N)`);
  }
}

export function parsePartitionTable(data: Uint8Array, options: PartitionCheckOptions = {}): PartitionTable {
  const label = options.name ?? 'partition table';
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const entries: PartitionEntry[] = [];
  let hasMd5 = false;
  const limit = Math.min(data.length, PARTITION_TABLE_MAX);
  for (let pos = 0; pos + PARTITION_ENTRY_SIZE <= limit; pos += PARTITION_ENTRY_SIZE) {
    const magic = view.getUint16(pos, true);
    if (magic === 0xffff) break;
    if (magic === PARTITION_MD5_MAGIC) {
      if (!bytesEqual(md5(data.subarray(0, pos)), data.subarray(pos + 16, pos + 32))) {
        throw new ImageError(
          'partition_bad_md5',
          `${label}: MD5 row does not match the ${entries.length} entries`,
        );
      }
      hasMd5 = true;
      break;
    }
    if (magic !== PARTITION_MAGIC) {
      throw new ImageError(
        'partition_bad_magic',
        `${label}: entry ${entries.length} has magic 0x${magic.toString(16)}`,
      );
    }
    entries.push(readEntry(view, data, pos));
    if (pos + PARTITION_ENTRY_SIZE >= PARTITION_TABLE_MAX) {
      throw new ImageError(
        'partition_too_many',
        `${label}: table runs past 0x${PARTITION_TABLE_MAX.toString(16)} bytes`,
      );
    }
  }
  if (!hasMd5 && (options.requireMd5 ?? true)) {
    throw new ImageError('partition_no_md5', `${label}: no MD5 row after the entries`);
  }
  checkLayout(entries, label, options.flashSize);
  return { entries, hasMd5 };
}

/** The partition the bootloader starts given the otadata choice: ota_N when selected and present, else factory. */
export function bootPartition(table: PartitionTable, otaSlot: number | null): PartitionEntry | null {
  const apps = table.entries.filter((e) => e.type === PARTITION_TYPE_APP);
  if (otaSlot !== null) {
    const ota = apps.find((e) => e.subtype === SUBTYPE_OTA_0 + otaSlot);
    if (ota) return ota;
  }
  return (
    apps.find((e) => e.subtype === SUBTYPE_FACTORY) ?? apps.find((e) => e.subtype === SUBTYPE_OTA_0) ?? null
  );
}

export function otaSlotCount(table: PartitionTable): number {
  return table.entries.filter(
    (e) => e.type === PARTITION_TYPE_APP && e.subtype >= SUBTYPE_OTA_0 && e.subtype < 0x20,
  ).length;
}
