/**
 * ESP firmware image (app or bootloader) parser and validator.
 * Layout: esptool docs, advanced-topics/firmware-image-format (8-byte header, 16-byte extended header, segments of
 * (load address, length, data), zero padding so the checksum byte ends a 16-byte block, checksum = 0xEF xor every
 * segment data byte, then the SHA-256 of everything before it when hash_appended is 1).
 * esp_app_desc_t: ESP-IDF components/esp_app_format/include/esp_app_desc.h (magic 0xABCD5432 at the start of the
 * first segment; version 32, project_name 32, time 16, date 16, idf_ver 32, app_elf_sha256 32 bytes).
 */
import type { ChipId } from '../boards/types';
import { chipForImageId, IMAGE_CHIP_IDS } from './chips';
import { ImageError } from './errors';
import { bytesEqual, sha256, toHex } from './hash';

export const IMAGE_MAGIC = 0xe9;
export const APP_DESC_MAGIC = 0xabcd5432;
export const IMAGE_HEADER_SIZE = 24;
export const SEGMENT_HEADER_SIZE = 8;
/** The ROM and the 2nd-stage bootloader refuse more than 16 segments (ESP_IMAGE_MAX_SEGMENTS). */
export const MAX_SEGMENTS = 16;
export const CHECKSUM_SEED = 0xef;

export interface ImageSegment {
  loadAddress: number;
  /** Offset of the segment's data inside the file. */
  dataOffset: number;
  length: number;
}

export interface AppDescriptor {
  secureVersion: number;
  version: string;
  projectName: string;
  time: string;
  date: string;
  idfVersion: string;
  /** Hex of app_elf_sha256 (64 characters). */
  elfSha256: string;
}

export interface ParsedImage {
  chip: ChipId | null;
  chipId: number;
  entry: number;
  flashMode: number;
  flashSizeFreq: number;
  segments: ImageSegment[];
  checksum: number;
  hashAppended: boolean;
  /** Bytes the image occupies, appended digest included. */
  size: number;
  /** Present when the first segment starts with esp_app_desc_t (apps; bootloaders have none). */
  appDesc: AppDescriptor | null;
}

export interface ImageCheckOptions {
  /** The bench's chip: an image built for another chip is refused. */
  expectedChip?: ChipId;
  /** Demand an esp_app_desc_t (apps). Default false. */
  requireAppDesc?: boolean;
  /** Name used in messages (a file path). */
  name?: string;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

export function parseAppDescriptor(data: Uint8Array): AppDescriptor | null {
  if (data.length < 256) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(0, true) !== APP_DESC_MAGIC) return null;
  return {
    secureVersion: view.getUint32(4, true),
    version: cString(data.subarray(16, 48)),
    projectName: cString(data.subarray(48, 80)),
    time: cString(data.subarray(80, 96)),
    date: cString(data.subarray(96, 112)),
    idfVersion: cString(data.subarray(112, 144)),
    elfSha256: toHex(data.subarray(144, 176)),
  };
}

function readSegments(
  data: Uint8Array,
  count: number,
  label: string,
): { segments: ImageSegment[]; end: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segments: ImageSegment[] = [];
  let pos = IMAGE_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    if (pos + SEGMENT_HEADER_SIZE > data.length) {
      throw new ImageError('image_truncated', `${label}: file ends inside the header of segment ${i}`);
    }
    const loadAddress = view.getUint32(pos, true);
    const length = view.getUint32(pos + 4, true);
    const dataOffset = pos + SEGMENT_HEADER_SIZE;
    if (dataOffset + length > data.length) {
      throw new ImageError(
        'image_segment_overrun',
        `${label}: segment ${i} claims ${length} bytes at 0x${dataOffset.toString(16)} but the file has ${data.length}`,
      );
    }
    segments.push({ loadAddress, dataOffset, length });
    pos = dataOffset + length;
  }
  return { segments, end: pos };
}

export function imageChecksum(data: Uint8Array, segments: ImageSegment[]): number {
  let sum = CHECKSUM_SEED;
  for (const s of segments) for (let i = 0; i < s.length; i++) sum ^= data[s.dataOffset + i] as number;
  return sum;
}

function checkChip(chipId: number, options: ImageCheckOptions, label: string): ChipId | null {
  const chip = chipForImageId(chipId);
  if (options.expectedChip && IMAGE_CHIP_IDS[options.expectedChip] !== chipId) {
    throw new ImageError(
      'image_wrong_chip',
      `${label}: built for ${chip ?? `chip id 0x${chipId.toString(16)}`}, the bench's chip is ${options.expectedChip}`,
    );
  }
  return chip;
}

/** Parses and checks an image; throws ImageError naming what is wrong. Trailing bytes (flash padding) are ignored. */
export function parseImage(data: Uint8Array, options: ImageCheckOptions = {}): ParsedImage {
  const label = options.name ?? 'image';
  if (data.length < IMAGE_HEADER_SIZE) {
    throw new ImageError('image_truncated', `${label}: ${data.length} bytes is shorter than an image header`);
  }
  if (data[0] !== IMAGE_MAGIC) {
    throw new ImageError(
      'image_bad_magic',
      `${label}: first byte is 0x${(data[0] as number).toString(16)}, not 0xe9`,
    );
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = data[1] as number;
  if (count === 0 || count > MAX_SEGMENTS) {
    throw new ImageError(
      'image_bad_segment_count',
      `${label}: ${count} segments (1..${MAX_SEGMENTS} allowed)`,
    );
  }
  const chipId = view.getUint16(12, true);
  const chip = checkChip(chipId, options, label);
  const hashAppended = data[23] === 1;
  const { segments, end } = readSegments(data, count, label);
  const checksumAt = (Math.floor(end / 16) + 1) * 16 - 1;
  const size = checksumAt + 1 + (hashAppended ? 32 : 0);
  if (size > data.length)
    throw new ImageError('image_truncated', `${label}: file ends before the checksum/digest`);
  const checksum = data[checksumAt] as number;
  const expected = imageChecksum(data, segments);
  if (checksum !== expected) {
    throw new ImageError(
      'image_bad_checksum',
      `${label}: checksum byte 0x${checksum.toString(16)}, segments sum to 0x${expected.toString(16)}`,
    );
  }
  if (
    hashAppended &&
    !bytesEqual(sha256(data.subarray(0, checksumAt + 1)), data.subarray(checksumAt + 1, size))
  ) {
    throw new ImageError('image_bad_sha256', `${label}: appended SHA-256 does not match the image`);
  }
  const first = segments[0] as ImageSegment;
  const appDesc = parseAppDescriptor(data.subarray(first.dataOffset, first.dataOffset + first.length));
  if (options.requireAppDesc && !appDesc) {
    throw new ImageError(
      'image_no_app_desc',
      `${label}: first segment has no esp_app_desc_t (magic 0xabcd5432)`,
    );
  }
  return {
    chip,
    chipId,
    entry: view.getUint32(4, true),
    flashMode: data[2] as number,
    flashSizeFreq: data[3] as number,
    segments,
    checksum,
    hashAppended,
    size,
    appDesc,
  };
}
