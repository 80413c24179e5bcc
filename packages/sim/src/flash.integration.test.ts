// esptool-js (through @esphil/serial's flashImages) flashes the simulated board over the virtual serialport
// binding: ROM sync, chip detection, stub upload, baud change, compressed writes, MD5, then our run-mode reset.
// The board then boots what was written.
import { buildAppImage, checkImageSet, ImageError } from '@esphil/device-model';
import { FlashError, flashImages } from '@esphil/serial';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimBench, startSimBench } from './bench';
import { CMD, defaultImageSet, flashWithImages } from './rom';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const OLD = { projectName: 'esphil-firmware', version: 'v0.1.0-old' };
const NEW = { projectName: 'esphil-firmware', version: 'v0.2.0-3-gdeadbee' };

async function flashedBench(): Promise<SimBench> {
  const bench = await startSimBench({
    latency: 'zero',
    flash: { model: flashWithImages(defaultImageSet('esp32', OLD)) },
  });
  cleanup.push(() => bench.close());
  return bench;
}

function serialText(bench: SimBench): () => string {
  const chunks: Buffer[] = [];
  const on = (data: Uint8Array) => chunks.push(Buffer.from(data));
  bench.dut.on('serial', on);
  cleanup.push(async () => void bench.dut.off('serial', on));
  return () => Buffer.concat(chunks).toString('latin1');
}

describe('flashing the simulated board with esptool-js', () => {
  it('writes four images, verifies them, resets and boots the new app', async () => {
    const bench = await flashedBench();
    expect(bench.dut.flash?.booted?.version).toBe(OLD.version);
    const images = defaultImageSet('esp32', NEW);
    checkImageSet(images, { chip: 'esp32' });
    const progress: number[] = [];
    const log: string[] = [];
    const ready = new Promise((resolve) => bench.dut.once('ready', resolve));
    const text = serialText(bench);
    const report = await flashImages({
      binding: bench.binding,
      path: bench.dutPath,
      images,
      chip: 'esp32',
      onProgress: (p) => progress.push(p.index),
      onLog: (line) => log.push(line),
    });
    expect(report.chip).toBe('ESP32');
    expect(report.files.map((f) => f.offset)).toEqual([0x1000, 0x8000, 0xe000, 0x10000]);
    expect(report.files.every((f) => f.bytesPerSecond > 0)).toBe(true);
    expect(new Set(progress)).toEqual(new Set([0, 1, 2, 3]));
    expect(log.filter((l) => l.includes('Hash of data verified'))).toHaveLength(4);
    const trace = bench.dut.flash?.rom?.trace ?? [];
    expect(trace).toContain(CMD.MEM_END);
    expect(trace).toContain(CMD.CHANGE_BAUDRATE);
    expect(trace).toContain(CMD.FLASH_DEFL_DATA);
    expect(trace).toContain(CMD.SPI_FLASH_MD5);
    await ready;
    expect(bench.dut.phase).toBe('running');
    const bootLine = text()
      .split(/\r?\n/)
      .find((l) => l.startsWith('@esphil {"t":"boot"'));
    expect(JSON.parse((bootLine as string).slice('@esphil '.length))).toMatchObject({
      fw: NEW.version,
      app: {
        project: NEW.projectName,
        version: NEW.version,
        elfSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    expect(bench.dut.flash?.booted).toMatchObject({ projectName: NEW.projectName, version: NEW.version });
  });

  it('refuses a board of another chip before writing anything', async () => {
    const bench = await flashedBench();
    const before = Buffer.from(bench.dut.flash?.model.bytes ?? []);
    const images = defaultImageSet('esp32-s3', NEW);
    await expect(
      flashImages({ binding: bench.binding, path: bench.dutPath, images, chip: 'esp32-s3' }),
    ).rejects.toMatchObject({ code: 'flash_wrong_chip' });
    expect(Buffer.compare(before, Buffer.from(bench.dut.flash?.model.bytes ?? []))).toBe(0);
    expect(bench.dut.flash?.rom?.trace ?? []).not.toContain(CMD.FLASH_DEFL_BEGIN);
  });

  it('a wrong-chip image is refused by the pre-write check', () => {
    expect(() => checkImageSet(defaultImageSet('esp32-c3', NEW), { chip: 'esp32' })).toThrow(ImageError);
  });

  it('a corrupt app makes the boot print the bootloader message and never ready', async () => {
    const bench = await flashedBench();
    const text = serialText(bench);
    const app = buildAppImage('esp32', NEW);
    app[600] = (app[600] as number) ^ 0xff;
    const halted = bench.dut.waitForPhase('halted');
    await flashImages({
      binding: bench.binding,
      path: bench.dutPath,
      images: [{ offset: 0x10000, name: 'bad.bin', data: app }],
      chip: 'esp32',
    });
    await halted;
    expect(text()).toMatch(/E \(\d+\) esp_image: Checksum failed\. Calculated 0x[0-9a-f]+ read 0x[0-9a-f]+/);
    expect(text()).toContain('No bootable app partitions in the partition table');
    expect(text()).not.toContain('"t":"ready"');
    expect(bench.dut.flash?.booted).toBeNull();
  });

  it('an abort while flashing rejects with flash_aborted and leaves the board defined', async () => {
    const bench = await flashedBench();
    const abort = new AbortController();
    const run = flashImages({
      binding: bench.binding,
      path: bench.dutPath,
      images: defaultImageSet('esp32', NEW),
      chip: 'esp32',
      signal: abort.signal,
      onProgress: (p) => {
        if (p.index === 1) abort.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(FlashError);
    await expect(run).rejects.toMatchObject({ code: 'flash_aborted' });
    // Lines released on the way out: the board left download mode and booted whatever flash now holds.
    const phase = await bench.dut.waitForPhase(['running', 'halted']);
    expect(['running', 'halted']).toContain(phase);
  });

  it('fault app-corrupt: the bootloader reads a flipped bit and refuses the app; flash keeps what was written', async () => {
    const images = defaultImageSet('esp32', NEW);
    const model = flashWithImages(images);
    const before = Buffer.from(model.bytes);
    const bench = await startSimBench({
      latency: 'zero',
      httpPort: null,
      flash: { model },
      faults: ['app-corrupt'],
    });
    cleanup.push(() => bench.close());
    const text = serialText(bench);
    // Already halted by its first boot: hold EN low (leaving that phase), then release it and watch this boot.
    expect(bench.dut.phase).toBe('halted');
    bench.dut.setControlLines({ dtr: false, rts: true });
    const halted = bench.dut.waitForPhase('halted');
    bench.dut.setControlLines({ dtr: false, rts: false });
    await halted;
    expect(text()).toMatch(/E \(\d+\) esp_image: Checksum failed\./);
    expect(text()).toContain('No bootable app partitions in the partition table');
    expect(bench.dut.flash?.booted).toBeNull();
    expect(Buffer.compare(before, Buffer.from(model.bytes))).toBe(0);
    await expect(
      startSimBench({ latency: 'zero', httpPort: null, faults: ['app-corrupt'] }),
    ).rejects.toMatchObject({
      code: 'bad_option',
    });
  });
});
