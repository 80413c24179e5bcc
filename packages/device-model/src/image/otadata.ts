/**
 * otadata (the "ota" data partition, 0xe000 in the Arduino tables; boot_app0.bin is its erased, all-0xFF form).
 * Source: ESP-IDF components/bootloader_support/include/esp_flash_partitions.h (esp_ota_select_entry_t: ota_seq u32,
 * seq_label 20, ota_state u32, crc u32 = crc32 of ota_seq seeded 0xFFFFFFFF) and bootloader_utility.c: two copies,
 * one per 4 KB sector; the valid copy with the highest sequence wins; slot = (seq - 1) % number of OTA partitions.
 */
import { ImageError } from './errors';
import { crc32 } from './hash';

export const OTADATA_SECTOR = 0x1000;
export const OTADATA_SIZE = 2 * OTADATA_SECTOR;

export interface OtaSelectEntry {
  seq: number;
  state: number;
  valid: boolean;
}

export function otaSeqCrc(seq: number): number {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, seq, true);
  return crc32(bytes, 0xffffffff);
}

function readEntry(data: Uint8Array, pos: number): OtaSelectEntry {
  const view = new DataView(data.buffer, data.byteOffset + pos, 32);
  const seq = view.getUint32(0, true);
  const state = view.getUint32(24, true);
  const crc = view.getUint32(28, true);
  return { seq, state, valid: seq !== 0xffffffff && crc === otaSeqCrc(seq) };
}

export function parseOtadata(data: Uint8Array, name = 'otadata'): OtaSelectEntry[] {
  if (data.length < OTADATA_SIZE) {
    throw new ImageError(
      'otadata_bad_size',
      `${name}: ${data.length} bytes, otadata is ${OTADATA_SIZE} (two sectors)`,
    );
  }
  return [readEntry(data, 0), readEntry(data, OTADATA_SECTOR)];
}

/** Which OTA slot otadata selects, or null (erased / invalid: the bootloader boots factory, or ota_0 without one). */
export function selectedOtaSlot(entries: OtaSelectEntry[], slotCount: number): number | null {
  const valid = entries.filter((e) => e.valid);
  if (valid.length === 0 || slotCount === 0) return null;
  const seq = Math.max(...valid.map((e) => e.seq));
  return (seq - 1) % slotCount;
}

/** Builds otadata selecting `slot` (sequence slot + 1 in the first sector), the rest erased. */
export function buildOtadata(slot: number | null): Uint8Array {
  const out = new Uint8Array(OTADATA_SIZE).fill(0xff);
  if (slot === null) return out;
  const view = new DataView(out.buffer);
  const seq = slot + 1;
  view.setUint32(0, seq, true);
  view.setUint32(28, otaSeqCrc(seq), true);
  return out;
}
