/**
 * The whole `firmware` section of a bench file: one image source (./section.ts) and/or `expect`, the identity the
 * booted app must report (checked at the ready stage; PROTOCOL.md §4.1 `app`). The keys of the first flash stage
 * (`image` + `flash` argv) are refused with the replacement spelled out: silently mapping them would keep an argv
 * that "passes" whatever it does (`"flash": ["true"]`), which is what issue 12 removed.
 */
import { FirmwareError } from './errors';
import { type FirmwareSource, parseFirmwareSection } from './section';

export interface ExpectedIdentity {
  /** app_elf_sha256 as 64 lowercase hex digits (hello / boot line `app.elfSha256`). */
  elfSha256?: string;
  /** The `fw` string of hello / the boot line. */
  fw?: string;
}

export interface BenchFirmware {
  /** null: the bench does not flash (only `expect`). */
  source: FirmwareSource | null;
  expect: ExpectedIdentity | null;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
/** PROTOCOL.md §4.1: `fw` is 1-64 characters. */
const MAX_FW = 64;

function legacyError(record: Record<string, unknown>): never {
  const image = typeof record.image === 'string' && record.image !== '' ? record.image : 'firmware.bin';
  const pio = /^(.*\.pio\/build)\/([^/]+)\/firmware\.bin$/.exec(image);
  const replacement = pio
    ? `"firmware": { "platformio": { "dir": "${pio[1]}", "env": "${pio[2]}" } }`
    : `"firmware": { "images": [{ "offset": "0x10000", "file": "${image}" }] }`;
  throw new FirmwareError(
    'firmware_invalid',
    'firmware.image / firmware.flash are no longer read: the runner flashes in-process with esptool-js and checks every image first',
    `write ${replacement} (bootloader and partitions too, for a complete board), or keep an external tool with "command": [..., "{port}", ...] (placeholders {port} {baud} {chip} {benchDir}; {image} is gone); see hil/README.md "Firmware"`,
  );
}

function parseExpect(value: unknown): ExpectedIdentity {
  const e = value as Record<string, unknown>;
  const hint = 'e.g. "expect": { "elfSha256": "<64 hex digits>" } or { "fw": "v0.2.0" }';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FirmwareError('firmware_invalid', 'firmware.expect must be an object', hint);
  }
  const unknown = Object.keys(e).filter((k) => k !== 'elfSha256' && k !== 'fw');
  if (unknown.length > 0) {
    throw new FirmwareError(
      'firmware_invalid',
      `firmware.expect has unknown key(s) ${unknown.join(', ')}`,
      hint,
    );
  }
  const out: ExpectedIdentity = {};
  if (e.elfSha256 !== undefined) {
    if (typeof e.elfSha256 !== 'string' || !SHA256_HEX.test(e.elfSha256)) {
      throw new FirmwareError('firmware_invalid', 'firmware.expect.elfSha256 must be 64 hex digits', hint);
    }
    out.elfSha256 = e.elfSha256.toLowerCase();
  }
  if (e.fw !== undefined) {
    if (typeof e.fw !== 'string' || e.fw.length === 0 || e.fw.length > MAX_FW) {
      throw new FirmwareError('firmware_invalid', `firmware.expect.fw must be 1-${MAX_FW} characters`, hint);
    }
    out.fw = e.fw;
  }
  if (out.elfSha256 === undefined && out.fw === undefined) {
    throw new FirmwareError('firmware_invalid', 'firmware.expect names no identity', hint);
  }
  return out;
}

/** Validates the bench's `firmware` section; throws FirmwareError('firmware_invalid') saying what to write. */
export function parseBenchFirmware(input: unknown): BenchFirmware {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return parseFirmwareSection(input) as never;
  const { expect, ...rest } = input as Record<string, unknown>;
  if ('image' in rest || 'flash' in rest) legacyError(rest);
  const expected = expect === undefined ? null : parseExpect(expect);
  if (Object.keys(rest).length === 0) {
    if (expected) return { source: null, expect: expected };
    throw new FirmwareError(
      'firmware_invalid',
      'firmware names no image source and no expected identity',
      'add one of platformio, flasherArgs, images, command (or generated on a sim bench), and/or expect',
    );
  }
  return { source: parseFirmwareSection(rest), expect: expected };
}
