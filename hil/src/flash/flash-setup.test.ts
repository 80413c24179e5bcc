import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAppImage, buildBootloaderImage, buildOtadata, buildPartitionTable } from '@esphil/device-model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expandCommand,
  FirmwareError,
  loadImageSet,
  parseFirmwareSection,
  resolveImageSet,
  runFlashCommand,
} from './index';
import { prepareImages } from './prepare';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'esphil-flash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const identity = { projectName: 'esphil', version: 'v0.2.0' };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof FirmwareError) return error.imageCode ?? error.code;
    throw error;
  }
  return 'no error';
}

function writePioBuild(app = buildAppImage('esp32', identity)): void {
  const build = join(dir, 'fw', '.pio', 'build', 'esp32dev-core3');
  mkdirSync(build, { recursive: true });
  writeFileSync(join(build, 'bootloader.bin'), buildBootloaderImage('esp32'));
  writeFileSync(join(build, 'partitions.bin'), buildPartitionTable());
  writeFileSync(join(build, 'firmware.bin'), app);
}

describe('firmware section', () => {
  it('accepts exactly one source', () => {
    expect(parseFirmwareSection({ platformio: { env: 'esp32dev-core3' } })).toEqual({
      kind: 'platformio',
      dir: '.pio/build',
      env: 'esp32dev-core3',
    });
    expect(parseFirmwareSection({ images: [{ offset: '0x10000', file: 'app.bin' }] })).toEqual({
      kind: 'images',
      images: [{ offset: 0x10000, file: 'app.bin' }],
    });
    expect(codeOf(() => parseFirmwareSection({ images: [], command: ['x'] }))).toBe('firmware_invalid');
    expect(codeOf(() => parseFirmwareSection({ image: 'old.bin', flash: ['true'] }))).toBe(
      'firmware_invalid',
    );
    expect(codeOf(() => parseFirmwareSection({ images: [{ offset: '0x10001', file: 'a.bin' }] }))).toBe(
      'firmware_invalid',
    );
    expect(codeOf(() => parseFirmwareSection({ images: Array(17).fill({ offset: 0, file: 'a' }) }))).toBe(
      'firmware_invalid',
    );
  });
});

describe('image set resolution', () => {
  it('finds a PlatformIO build relative to the bench file, boot_app0 from the framework, ESP32 offsets', () => {
    writePioBuild();
    const pioHome = join(dir, 'pio-home');
    const partitions = join(pioHome, 'packages', 'framework-arduinoespressif32', 'tools', 'partitions');
    mkdirSync(partitions, { recursive: true });
    writeFileSync(join(partitions, 'boot_app0.bin'), buildOtadata(null));
    const source = parseFirmwareSection({ platformio: { dir: 'fw/.pio/build', env: 'esp32dev-core3' } });
    const images = resolveImageSet(source, { benchDir: dir, chip: 'esp32', platformioHome: pioHome });
    expect(images.map((i) => [i.offset, i.role])).toEqual([
      [0x1000, 'bootloader'],
      [0x8000, 'partitions'],
      [0xe000, 'otadata'],
      [0x10000, 'app'],
    ]);
    const loaded = loadImageSet(images, { chip: 'esp32' });
    expect(loaded.find((l) => l.role === 'app')?.appDesc?.version).toBe('v0.2.0');
  });

  it('names a missing build file with a hint', () => {
    const source = parseFirmwareSection({ platformio: { env: 'esp32dev-core3' } });
    expect(codeOf(() => resolveImageSet(source, { benchDir: dir, chip: 'esp32', platformioHome: dir }))).toBe(
      'firmware_file_missing',
    );
  });

  it('a build file removed after resolution is firmware_file_missing, not a bare ENOENT', () => {
    writePioBuild();
    const source = parseFirmwareSection({ platformio: { dir: 'fw/.pio/build', env: 'esp32dev-core3' } });
    const images = resolveImageSet(source, { benchDir: dir, chip: 'esp32', platformioHome: dir });
    const app = images.find((i) => i.role === 'app')!;
    rmSync(app.path);
    expect(codeOf(() => loadImageSet(images, { chip: 'esp32' }))).toBe('firmware_file_missing');
  });

  it('a file larger than the flash is refused before it is read', () => {
    writePioBuild();
    const source = parseFirmwareSection({ platformio: { dir: 'fw/.pio/build', env: 'esp32dev-core3' } });
    const images = resolveImageSet(source, { benchDir: dir, chip: 'esp32', platformioHome: dir });
    expect(codeOf(() => loadImageSet(images, { chip: 'esp32', flashSize: 16 }))).toBe(
      'firmware_file_too_large',
    );
  });

  it('refuses a wrong-chip app before anything is written', () => {
    writePioBuild(buildAppImage('esp32-s3', identity));
    const source = parseFirmwareSection({ platformio: { dir: 'fw/.pio/build', env: 'esp32dev-core3' } });
    const images = resolveImageSet(source, { benchDir: dir, chip: 'esp32', platformioHome: dir });
    expect(codeOf(() => loadImageSet(images, { chip: 'esp32' }))).toBe('image_wrong_chip');
  });

  it('reads ESP-IDF flasher_args.json with paths relative to it', () => {
    const build = join(dir, 'build');
    mkdirSync(join(build, 'bootloader'), { recursive: true });
    writeFileSync(join(build, 'bootloader', 'bootloader.bin'), buildBootloaderImage('esp32-c3'));
    writeFileSync(join(build, 'pt.bin'), buildPartitionTable());
    writeFileSync(join(build, 'ota.bin'), buildOtadata(null));
    writeFileSync(join(build, 'app.bin'), buildAppImage('esp32-c3', identity));
    const args = {
      flash_files: {
        '0x0': 'bootloader/bootloader.bin',
        '0x8000': 'pt.bin',
        '0xd000': 'ota.bin',
        '0x10000': 'app.bin',
      },
      bootloader: { offset: '0x0', file: 'bootloader/bootloader.bin' },
      otadata: { offset: '0xd000', file: 'ota.bin' },
      extra_esptool_args: { chip: 'esp32c3' },
    };
    writeFileSync(join(build, 'flasher_args.json'), JSON.stringify(args));
    const source = parseFirmwareSection({ flasherArgs: 'build/flasher_args.json' });
    const images = resolveImageSet(source, { benchDir: dir, chip: 'esp32-c3' });
    const loaded = loadImageSet(images, { chip: 'esp32-c3' });
    expect(loaded.map((l) => l.role)).toEqual(['bootloader', 'partitions', 'otadata', 'app']);
    expect(codeOf(() => resolveImageSet(source, { benchDir: dir, chip: 'esp32' }))).toBe('image_wrong_chip');
    writeFileSync(join(build, 'flasher_args.json'), '{ nope');
    expect(codeOf(() => resolveImageSet(source, { benchDir: dir, chip: 'esp32-c3' }))).toBe(
      'flasher_args_invalid',
    );
  });

  it('gives an explicit image list the chip default offsets by role', () => {
    writeFileSync(join(dir, 'boot.bin'), buildBootloaderImage('esp32-s3'));
    writeFileSync(
      join(dir, 'corrupt.bin'),
      buildAppImage('esp32-s3', identity).map((b, i) => (i === 300 ? b ^ 1 : b)),
    );
    const source = parseFirmwareSection({
      images: [
        { role: 'bootloader', file: 'boot.bin' },
        { offset: 0x10000, file: 'corrupt.bin' },
      ],
    });
    const images = resolveImageSet(source, { benchDir: dir, chip: 'esp32-s3' });
    expect(images[0]?.offset).toBe(0);
    expect(() => loadImageSet(images, { chip: 'esp32-s3' })).toThrow(/corrupt\.bin @0x10000: checksum byte/);
  });
});

describe('firmware.command', () => {
  it('fills placeholders and runs in the bench directory', async () => {
    const argv = expandCommand(['sh', '-c', 'echo {port} {baud} {chip} $(pwd)'], {
      port: '/dev/x',
      baud: 460800,
      chip: 'esp32',
      benchDir: dir,
    });
    const lines: string[] = [];
    await runFlashCommand({ argv, cwd: dir, onLine: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^\/dev\/x 460800 esp32 .*esphil-flash-/);
  });

  it('fails on a non-zero exit and kills the whole group on abort', async () => {
    await expect(runFlashCommand({ argv: ['sh', '-c', 'echo bad; exit 3'], cwd: dir })).rejects.toMatchObject(
      {
        code: 'flash_command_failed',
      },
    );
    const abort = new AbortController();
    const run = runFlashCommand({ argv: ['sh', '-c', 'sleep 30 & wait'], cwd: dir, signal: abort.signal });
    abort.abort();
    await expect(run).rejects.toThrow(/failed \(aborted\)/);
  });
});

describe('generated images (sim benches)', () => {
  it('builds the default image set with the bench identity, checked like files', () => {
    const source = parseFirmwareSection({ generated: { version: 'v3.1.4' } });
    const images = prepareImages(source, { benchDir: dir, chip: 'esp32-s3' });
    expect(images.map((i) => [i.role, i.offset])).toEqual([
      ['bootloader', 0],
      ['partitions', 0x8000],
      ['otadata', 0xe000],
      ['app', 0x10000],
    ]);
    expect(images[3]?.appDesc).toMatchObject({ projectName: 'esphil-firmware', version: 'v3.1.4' });
  });
});
