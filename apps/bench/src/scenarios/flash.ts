/**
 * Scenario 7: flashing throughput on the simulated board. esptool-js (@esphil/serial flashImages) writes a
 * generated ~1 MB app image (@esphil/device-model's builder) over the virtual serialport binding to the sim's ROM
 * loader and stub, at the stub baud rate the sim models after CHANGE_BAUDRATE. Baseline: what that baud rate can
 * carry at most, baud / 10 bytes/s (8N1: a start and a stop bit per byte). The wire rate counts the deflated bytes
 * esptool-js sends (its progress reports compressed bytes); the effective rate counts image bytes written.
 * The virtual binding does not pace bytes by baud, so a ratio above 1 means the host side and the ROM model keep
 * up with more than the wire would carry: on hardware the wire is the bound, here the software is measured.
 */
import { deflateSync } from 'node:zlib';
import { buildAppImage, type ChipId } from '@esphil/device-model';
import { flashImages } from '@esphil/serial';
import { defaultImageSet, flashWithImages, startSimBench } from '@esphil/sim';
import { type ResultRow, row } from '../result';
import { median } from '../stats';

export interface FlashBenchOptions {
  /** Size of the app's code segment. */
  appBytes: number;
  rounds: number;
  /** The stub's baud rate (esptool's usual 460800). */
  baudRate: number;
}

export const FLASH_DEFAULTS: FlashBenchOptions = { appBytes: 1_000_000, rounds: 3, baudRate: 460_800 };

export interface FlashBenchResult {
  /** Median deflated bytes/s on the wire and image bytes/s written. */
  wireBytesPerSecond: number;
  effectiveBytesPerSecond: number;
  /** baud / 10. */
  limitBytesPerSecond: number;
  imageBytes: number;
  compressedBytes: number;
  rows: ResultRow[];
}

/** Firmware-like bytes: a seeded mix of runs and noise, so deflate neither vanishes it nor gives up (~60 %). */
function codeBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x & 0x3) === 0 ? (x >>> 8) & 0xff : (i >>> 4) & 0x1f;
  }
  return out;
}

export function benchAppImage(chip: ChipId, appBytes: number): Uint8Array {
  return buildAppImage(
    chip,
    { projectName: 'esphil-bench', version: 'v0.0.0-bench' },
    codeBytes(appBytes, 0x5eed),
  );
}

interface Sample {
  wire: number;
  effective: number;
  compressed: number;
}

async function flashOnce(app: Uint8Array, baudRate: number): Promise<Sample> {
  const bench = await startSimBench({
    latency: 'zero',
    httpPort: null,
    flash: { model: flashWithImages(defaultImageSet('esp32')) },
  });
  try {
    let compressed = 0;
    const report = await flashImages({
      binding: bench.binding,
      path: bench.dutPath,
      images: [{ offset: 0x10000, data: app, name: 'bench-app.bin' }],
      chip: 'esp32',
      baudRate,
      onProgress: (p) => {
        compressed = p.total;
      },
    });
    const file = report.files[0];
    if (!file) throw new Error('flashImages reported no file');
    return { wire: (compressed * 1000) / file.ms, effective: file.bytesPerSecond, compressed };
  } finally {
    await bench.close();
  }
}

export async function runFlashBench(opts: FlashBenchOptions = FLASH_DEFAULTS): Promise<FlashBenchResult> {
  const app = benchAppImage('esp32', opts.appBytes);
  const samples: Sample[] = [];
  for (let i = 0; i < opts.rounds; i++) samples.push(await flashOnce(app, opts.baudRate));
  const wire = median(samples.map((s) => s.wire));
  const effective = median(samples.map((s) => s.effective));
  const limit = opts.baudRate / 10;
  const compressed = samples[0]?.compressed ?? deflateSync(app).length;
  const baseline = { name: `${opts.baudRate} baud limit (8N1, baud/10)`, value: limit };
  const note = `${app.length} B app, deflated to ${compressed} B (${((compressed / app.length) * 100).toFixed(0)} %)`;
  return {
    wireBytesPerSecond: wire,
    effectiveBytesPerSecond: effective,
    limitBytesPerSecond: limit,
    imageBytes: app.length,
    compressedBytes: compressed,
    rows: [
      row({
        scenario: '7 flash (sim)',
        metric: 'esptool-js wire rate (deflated bytes)',
        value: wire,
        unit: 'B/s',
        baseline,
        n: samples.length,
        note,
      }),
      row({
        scenario: '7 flash (sim)',
        metric: 'esptool-js effective rate (image bytes)',
        value: effective,
        unit: 'B/s',
        baseline,
        n: samples.length,
        note,
      }),
    ],
  };
}
