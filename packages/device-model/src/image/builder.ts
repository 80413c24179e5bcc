/**
 * Builds small but well-formed images for tests and the default sim bench: the same layout parseImage and the
 * simulated bootloader check (see app-image.ts and partition-table.ts for the sources of the format).
 */
import type { ChipId } from '../boards/types';
import { APP_DESC_MAGIC, CHECKSUM_SEED, IMAGE_MAGIC } from './app-image';
import { IMAGE_CHIP_IDS } from './chips';
import { md5, sha256 } from './hash';
import {
  PARTITION_ENTRY_SIZE,
  PARTITION_MAGIC,
  PARTITION_MD5_MAGIC,
  PARTITION_TABLE_MAX,
  type PartitionEntry,
} from './partition-table';

export interface SegmentSpec {
  loadAddress: number;
  data: Uint8Array;
}

export interface ImageSpec {
  chip: ChipId;
  segments: SegmentSpec[];
  entry?: number;
  /** Append the SHA-256 digest (hash_appended = 1). Default true, like esptool elf2image. */
  appendSha256?: boolean;
  /** SPI mode byte (2 = DIO, the Arduino default) and size/frequency byte (0x20 = 4 MB, 40 MHz). */
  flashMode?: number;
  flashSizeFreq?: number;
}

export interface AppIdentitySpec {
  projectName: string;
  version: string;
  /** 32 bytes as hex; default: SHA-256 of project + version (a stand-in for a real ELF digest). */
  elfSha256?: string;
  idfVersion?: string;
}

function writeCString(target: Uint8Array, at: number, size: number, text: string): void {
  const bytes = new TextEncoder().encode(text).subarray(0, size - 1);
  target.set(bytes, at);
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export function buildAppDescriptor(identity: AppIdentitySpec): Uint8Array {
  const desc = new Uint8Array(256);
  const view = new DataView(desc.buffer);
  view.setUint32(0, APP_DESC_MAGIC, true);
  writeCString(desc, 16, 32, identity.version);
  writeCString(desc, 48, 32, identity.projectName);
  writeCString(desc, 80, 16, '00:00:00');
  writeCString(desc, 96, 16, 'Jan  1 2026');
  writeCString(desc, 112, 32, identity.idfVersion ?? 'v5.1');
  const elf =
    identity.elfSha256 !== undefined
      ? fromHex(identity.elfSha256)
      : sha256(new TextEncoder().encode(`${identity.projectName}@${identity.version}`));
  desc.set(elf.subarray(0, 32), 144);
  return desc;
}

export function buildImage(spec: ImageSpec): Uint8Array {
  const body = spec.segments.reduce((n, s) => n + 8 + s.data.length, 24);
  const checksumAt = (Math.floor(body / 16) + 1) * 16 - 1;
  const append = spec.appendSha256 ?? true;
  const out = new Uint8Array(checksumAt + 1 + (append ? 32 : 0));
  const view = new DataView(out.buffer);
  out[0] = IMAGE_MAGIC;
  out[1] = spec.segments.length;
  out[2] = spec.flashMode ?? 2;
  out[3] = spec.flashSizeFreq ?? 0x20;
  view.setUint32(4, spec.entry ?? 0x40080000, true);
  out[8] = 0xee;
  view.setUint16(12, IMAGE_CHIP_IDS[spec.chip], true);
  view.setUint16(17, 0xffff, true);
  out[23] = append ? 1 : 0;
  let pos = 24;
  let checksum = CHECKSUM_SEED;
  for (const s of spec.segments) {
    view.setUint32(pos, s.loadAddress, true);
    view.setUint32(pos + 4, s.data.length, true);
    out.set(s.data, pos + 8);
    for (const b of s.data) checksum ^= b;
    pos += 8 + s.data.length;
  }
  out[checksumAt] = checksum;
  if (append) out.set(sha256(out.subarray(0, checksumAt + 1)), checksumAt + 1);
  return out;
}

function fill(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff);
}

/**
 * An app: DROM segment starting with esp_app_desc_t, then an IRAM code segment: `code` bytes as given, or that many
 * filler bytes when it is a number.
 */
export function buildAppImage(
  chip: ChipId,
  identity: AppIdentitySpec,
  code: number | Uint8Array = 4096,
): Uint8Array {
  const desc = buildAppDescriptor(identity);
  const drom = new Uint8Array(desc.length + 64);
  drom.set(desc);
  return buildImage({
    chip,
    segments: [
      { loadAddress: 0x3f400020, data: drom },
      {
        loadAddress: 0x40080000,
        data: typeof code === 'number' ? fill(code, identity.version.length) : code,
      },
    ],
  });
}

/** A 2nd-stage bootloader stand-in: two IRAM/DRAM segments, no app descriptor (like the real one). */
export function buildBootloaderImage(chip: ChipId, size = 1024): Uint8Array {
  return buildImage({
    chip,
    entry: 0x40080400,
    segments: [
      { loadAddress: 0x3fff0000, data: fill(64, 7) },
      { loadAddress: 0x40078000, data: fill(size, 3) },
    ],
  });
}

export type PartitionSpec = Omit<PartitionEntry, 'flags'> & { flags?: number };

/** The Arduino "default" table shape: nvs, otadata, app0 (ota_0), app1 (ota_1), spiffs, coredump. */
export const DEFAULT_PARTITIONS: readonly PartitionSpec[] = [
  { label: 'nvs', type: 0x01, subtype: 0x02, offset: 0x9000, size: 0x5000 },
  { label: 'otadata', type: 0x01, subtype: 0x00, offset: 0xe000, size: 0x2000 },
  { label: 'app0', type: 0x00, subtype: 0x10, offset: 0x10000, size: 0x140000 },
  { label: 'app1', type: 0x00, subtype: 0x11, offset: 0x150000, size: 0x140000 },
  { label: 'spiffs', type: 0x01, subtype: 0x82, offset: 0x290000, size: 0x160000 },
  { label: 'coredump', type: 0x01, subtype: 0x03, offset: 0x3f0000, size: 0x10000 },
];

export function buildPartitionTable(entries: readonly PartitionSpec[] = DEFAULT_PARTITIONS): Uint8Array {
  const out = new Uint8Array(PARTITION_TABLE_MAX).fill(0xff);
  const view = new DataView(out.buffer);
  entries.forEach((e, i) => {
    const pos = i * PARTITION_ENTRY_SIZE;
    view.setUint16(pos, PARTITION_MAGIC, true);
    out[pos + 2] = e.type;
    out[pos + 3] = e.subtype;
    view.setUint32(pos + 4, e.offset, true);
    view.setUint32(pos + 8, e.size, true);
    out.fill(0, pos + 12, pos + 28);
    writeCString(out, pos + 12, 16, e.label);
    view.setUint32(pos + 28, e.flags ?? 0, true);
  });
  const md5At = entries.length * PARTITION_ENTRY_SIZE;
  view.setUint16(md5At, PARTITION_MD5_MAGIC, true);
  out.set(md5(out.subarray(0, md5At)), md5At + 16);
  return out;
}
