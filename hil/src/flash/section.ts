/**
 * The bench file's `firmware` section: exactly one of four sources (issue 12 point 2). Validation of untrusted
 * JSON into the typed union; paths stay as written (resolved against the bench file's directory by ./resolve.ts).
 */
import type { ImageRole } from '@esphil/device-model';
import { FirmwareError } from './errors';

export interface ImageEntry {
  /** Flash offset; absent = the chip's default for `role` (see defaultFlashLayout). */
  offset?: number;
  file: string;
  role?: ImageRole;
}

export type FirmwareSource =
  | { kind: 'platformio'; dir: string; env: string; bootApp0?: string }
  | { kind: 'flasherArgs'; file: string }
  | { kind: 'images'; images: ImageEntry[] }
  | { kind: 'command'; argv: string[] }
  /**
   * Simulated benches only: an image set built at run time by the device-model builder (sim's defaultImageSet) with
   * this identity in its app descriptor, so every sim run exercises flash -> boot -> identity without build files.
   */
  | { kind: 'generated'; projectName: string; version: string };

const KINDS = ['platformio', 'flasherArgs', 'images', 'command', 'generated'] as const;

/** The generated app's identity unless the bench names one: not the sim's factory image (DEFAULT_APP_IDENTITY). */
export const GENERATED_IDENTITY = { projectName: 'esphil-firmware', version: '0.1.0-hil' } as const;
/** esp_app_desc_t's version and project_name are char[32] (esptool-facts.md): 31 characters and the NUL. */
const MAX_DESC_TEXT = 31;
const ROLES: readonly ImageRole[] = ['bootloader', 'partitions', 'otadata', 'app', 'data'];
/** More files than any real layout needs: a safe bound on untrusted input. */
export const MAX_IMAGES = 16;

const fail = (message: string, hint: string): never => {
  throw new FirmwareError('firmware_invalid', message, hint);
};

export function parseOffset(value: unknown, where: string): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n % 0x1000 !== 0) {
    return fail(
      `${where}: offset ${JSON.stringify(value)} is not a 4 KB-aligned flash address`,
      'e.g. "0x10000"',
    );
  }
  return n;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

function parseImages(value: unknown): ImageEntry[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IMAGES) {
    return fail(
      `firmware.images must list 1..${MAX_IMAGES} files`,
      'e.g. [{ "offset": "0x10000", "file": "app.bin" }]',
    );
  }
  return value.map((raw, i) => {
    const e = raw as Record<string, unknown>;
    if (typeof raw !== 'object' || raw === null || !isText(e.file)) {
      return fail(`firmware.images[${i}] needs a "file" path`, 'paths are relative to the bench file');
    }
    if (e.role !== undefined && !ROLES.includes(e.role as ImageRole)) {
      return fail(`firmware.images[${i}].role must be one of ${ROLES.join(', ')}`, 'or leave it out');
    }
    if (e.offset === undefined && (e.role === undefined || e.role === 'data')) {
      return fail(
        `firmware.images[${i}] needs an "offset" (or a role with a default offset)`,
        'e.g. "0x10000"',
      );
    }
    const entry: ImageEntry = { file: e.file };
    if (e.offset !== undefined) entry.offset = parseOffset(e.offset, `firmware.images[${i}]`);
    if (e.role !== undefined) entry.role = e.role as ImageRole;
    return entry;
  });
}

function parsePlatformio(value: unknown): FirmwareSource {
  const p = (value ?? {}) as Record<string, unknown>;
  if (!isText(p.env))
    return fail('firmware.platformio needs an "env"', 'e.g. "esp32dev-core3" from platformio.ini');
  const source: FirmwareSource = {
    kind: 'platformio',
    dir: isText(p.dir) ? p.dir : '.pio/build',
    env: p.env,
  };
  if (p.bootApp0 !== undefined) {
    if (!isText(p.bootApp0)) return fail('firmware.platformio.bootApp0 must be a path', 'or leave it out');
    source.bootApp0 = p.bootApp0;
  }
  return source;
}

function parseGenerated(value: unknown): FirmwareSource {
  if (value === true) return { kind: 'generated', ...GENERATED_IDENTITY };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(
      'firmware.generated must be true or { "project"?, "version"? }',
      'e.g. { "version": "0.2.0-sim" }',
    );
  }
  const g = value as Record<string, unknown>;
  const extra = Object.keys(g).filter((k) => k !== 'project' && k !== 'version');
  if (extra.length > 0)
    return fail(`firmware.generated has unknown key(s) ${extra.join(', ')}`, 'use project, version');
  const text = (key: 'project' | 'version', fallback: string): string => {
    const v = g[key] ?? fallback;
    if (!isText(v) || v.length > MAX_DESC_TEXT || !/^[\x20-\x7e]+$/.test(v)) {
      return fail(
        `firmware.generated.${key} must be 1-${MAX_DESC_TEXT} printable ASCII characters`,
        'e.g. "0.2.0-sim"',
      );
    }
    return v;
  };
  return {
    kind: 'generated',
    projectName: text('project', GENERATED_IDENTITY.projectName),
    version: text('version', GENERATED_IDENTITY.version),
  };
}

export function parseFirmwareSection(input: unknown): FirmwareSource {
  if (typeof input !== 'object' || input === null)
    return fail('firmware must be an object', `one of ${KINDS.join(', ')}`);
  const record = input as Record<string, unknown>;
  const present = KINDS.filter((k) => record[k] !== undefined);
  const unknown = Object.keys(record).filter((k) => !(KINDS as readonly string[]).includes(k));
  if (unknown.length > 0)
    return fail(`firmware has unknown key(s) ${unknown.join(', ')}`, `use one of ${KINDS.join(', ')}`);
  if (present.length !== 1) {
    return fail(
      `firmware needs exactly one of ${KINDS.join(', ')} (got ${present.length})`,
      'pick one source',
    );
  }
  const kind = present[0] as (typeof KINDS)[number];
  if (kind === 'platformio') return parsePlatformio(record.platformio);
  if (kind === 'flasherArgs') {
    if (!isText(record.flasherArgs))
      return fail('firmware.flasherArgs must be a path', 'e.g. "build/flasher_args.json"');
    return { kind, file: record.flasherArgs };
  }
  if (kind === 'images') return { kind, images: parseImages(record.images) };
  if (kind === 'generated') return parseGenerated(record.generated);
  const argv = record.command;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every(isText)) {
    return fail(
      'firmware.command must be a non-empty argv array',
      'e.g. ["pio", "run", "-t", "upload", "--upload-port", "{port}"]',
    );
  }
  return { kind, argv: argv as string[] };
}
