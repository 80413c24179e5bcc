/**
 * Turns a firmware source into the list of files and offsets to write, paths resolved against the bench file's
 * directory (never the runner's cwd).
 * - platformio: `.pio/build/<env>/{bootloader,partitions,firmware}.bin` (PlatformIO's espressif32 platform names them
 *   so) plus boot_app0.bin from framework-arduinoespressif32/tools/partitions when present (esptool-facts.md).
 * - flasherArgs: ESP-IDF's build/flasher_args.json: `flash_files` maps offsets to paths relative to that file; the
 *   named entries (bootloader, partition-table, otadata, app) give the roles; extra_esptool_args.chip the chip.
 * Offsets default by chip (device-model defaultFlashLayout).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type ChipId, defaultFlashLayout, type ImageRole } from '@esphil/device-model';
import { FirmwareError } from './errors';
import { type FirmwareSource, parseOffset } from './section';

export interface ResolvedImage {
  offset: number;
  /** Absolute path. */
  path: string;
  /** The path as the bench (or flasher_args.json) wrote it, for messages. */
  name: string;
  /** Absent: decided by offset (device-model roleAt). */
  role?: ImageRole;
}

export interface ResolveOptions {
  benchDir: string;
  chip: ChipId;
  /** Where PlatformIO keeps packages; default $PLATFORMIO_CORE_DIR or ~/.platformio. */
  platformioHome?: string;
  /** Largest flasher_args.json read (untrusted input). Default 64 KB. */
  maxFlasherArgsBytes?: number;
}

function mustExist(path: string, name: string, hint: string): string {
  if (!existsSync(path))
    throw new FirmwareError('firmware_file_missing', `${name} not found (${path})`, hint);
  return path;
}

function fromPlatformio(
  source: Extract<FirmwareSource, { kind: 'platformio' }>,
  options: ResolveOptions,
): ResolvedImage[] {
  const layout = defaultFlashLayout(options.chip);
  const build = resolve(options.benchDir, source.dir, source.env);
  const hint = `build it first: pio run -e ${source.env} (in the project whose ${source.dir} this is)`;
  const file = (name: string, role: ImageRole, offset: number): ResolvedImage => ({
    offset,
    path: mustExist(join(build, name), join(source.dir, source.env, name), hint),
    name: join(source.dir, source.env, name),
    role,
  });
  const images = [
    file('bootloader.bin', 'bootloader', layout.bootloader),
    file('partitions.bin', 'partitions', layout.partitions),
    file('firmware.bin', 'app', layout.app),
  ];
  const home = options.platformioHome ?? process.env.PLATFORMIO_CORE_DIR ?? join(homedir(), '.platformio');
  const bootApp0 = source.bootApp0
    ? mustExist(
        resolve(options.benchDir, source.bootApp0),
        source.bootApp0,
        'fix firmware.platformio.bootApp0',
      )
    : join(home, 'packages', 'framework-arduinoespressif32', 'tools', 'partitions', 'boot_app0.bin');
  if (existsSync(bootApp0)) {
    images.splice(2, 0, {
      offset: layout.otadata,
      path: bootApp0,
      name: source.bootApp0 ?? 'boot_app0.bin',
      role: 'otadata',
    });
  }
  return images;
}

/** esptool's --chip names for the chips the board profiles know. */
const IDF_CHIPS: Record<string, ChipId> = { esp32: 'esp32', esp32s3: 'esp32-s3', esp32c3: 'esp32-c3' };

const IDF_ROLES: Record<string, ImageRole> = {
  bootloader: 'bootloader',
  'partition-table': 'partitions',
  otadata: 'otadata',
  app: 'app',
};

function fromFlasherArgs(file: string, options: ResolveOptions): ResolvedImage[] {
  const path = mustExist(resolve(options.benchDir, file), file, 'run idf.py build first');
  const text = readFileSync(path);
  const limit = options.maxFlasherArgsBytes ?? 64 * 1024;
  const bad = (what: string): never => {
    throw new FirmwareError('flasher_args_invalid', `${file}: ${what}`, 'regenerate it with idf.py build');
  };
  if (text.length > limit) bad(`larger than ${limit} bytes`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.toString('utf8')) as Record<string, unknown>;
  } catch {
    return bad('not JSON');
  }
  const chip = (json.extra_esptool_args as { chip?: unknown } | undefined)?.chip;
  if (typeof chip === 'string' && IDF_CHIPS[chip] !== options.chip) {
    throw new FirmwareError(
      'image_invalid',
      `${file}: built for ${chip}, the bench's chip is ${options.chip}`,
      'build for the bench chip (idf.py set-target)',
      'image_wrong_chip',
    );
  }
  const files = json.flash_files;
  if (typeof files !== 'object' || files === null || Object.keys(files).length === 0)
    return bad('no "flash_files"');
  const roles = new Map<number, ImageRole>();
  for (const [key, role] of Object.entries(IDF_ROLES)) {
    const entry = json[key] as { offset?: unknown } | undefined;
    if (entry?.offset !== undefined) roles.set(parseOffset(entry.offset, `${file} ${key}`), role);
  }
  const base = dirname(path);
  return Object.entries(files as Record<string, unknown>).map(([offsetText, rel]) => {
    if (typeof rel !== 'string') return bad(`flash_files["${offsetText}"] is not a path`);
    const offset = parseOffset(offsetText, `${file} flash_files`);
    return {
      offset,
      path: mustExist(resolve(base, rel), rel, 'run idf.py build first'),
      name: rel,
      ...(roles.has(offset) ? { role: roles.get(offset) } : {}),
    };
  });
}

export function resolveImageSet(source: FirmwareSource, options: ResolveOptions): ResolvedImage[] {
  // No files: command flashes on its own, generated images are built in memory (./prepare.ts).
  if (source.kind === 'command' || source.kind === 'generated') return [];
  if (source.kind === 'platformio') return fromPlatformio(source, options);
  if (source.kind === 'flasherArgs') return fromFlasherArgs(source.file, options);
  const layout = defaultFlashLayout(options.chip);
  return source.images.map((image) => {
    const role = image.role;
    const offset = image.offset ?? (role && role !== 'data' ? layout[role] : 0);
    const path = mustExist(
      resolve(options.benchDir, image.file),
      image.file,
      'paths are relative to the bench file',
    );
    return { offset, path, name: image.file, ...(role ? { role } : {}) };
  });
}
