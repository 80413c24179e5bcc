import type { ChipId } from '@esphil/device-model';
import { FlashError, type FlashReport } from '@esphil/serial';
import { HilError } from '../errors';
import { expandCommand, FirmwareError, runFlashCommand } from '../flash';
import type { LoadedImage } from '../flash/load';
import { prepareImages } from '../flash/prepare';
import { benchChip } from './chip';
import { flashOverSerial } from './flash-serial';
import { simEnterDownload, simResetToRun } from './sim-circuit';
import type { Stage, StageContext, StageDone } from './stage';

/** esptool's --chip names (the `{chip}` placeholder). */
const ESPTOOL_CHIP: Record<ChipId, string> = { esp32: 'esp32', 'esp32-s3': 'esp32s3', 'esp32-c3': 'esp32c3' };
/** `{baud}`: esptool's usual flashing speed (the ROM starts at 115200; the flasher switches). */
export const COMMAND_FLASH_BAUD = 460800;

function firmwareFailure(e: unknown): unknown {
  if (!(e instanceof FirmwareError)) return e;
  const code = e.code === 'flash_command_failed' ? 'flash_failed' : 'image_invalid';
  return new HilError(code, e.message, e.hint);
}

function flashFailure(e: unknown, timedOut: boolean, timeoutMs: number): unknown {
  if (!(e instanceof FlashError)) return e;
  if (timedOut) {
    return new HilError(
      'flash_failed',
      `flashing did not finish within ${timeoutMs} ms (${e.message})`,
      'check the port and the cable; raise timeouts.flashMs for a large image at a low baud',
    );
  }
  return new HilError('flash_failed', `esptool-js: ${e.message}`, e.hint);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function describe(report: FlashReport): string {
  const bytes = report.files.reduce((n, f) => n + f.bytes, 0);
  const rate = Math.round((bytes * 1000) / Math.max(1, report.totalMs) / 1024);
  return `${report.files.length} files, ${kb(bytes)} in ${report.totalMs} ms (${rate} KB/s) on ${report.chip} at ${report.baudRate} baud`;
}

async function viaCommand(ctx: StageContext, argv: readonly string[], chip: ChipId): Promise<StageDone> {
  const { dutPath, sim } = ctx.need('ports');
  const viaSim = ctx.bench.dut.reset === 'sim' ? sim : null;
  if (viaSim) await simEnterDownload(viaSim, ctx.signal);
  const expanded = expandCommand(argv, {
    port: dutPath,
    baud: COMMAND_FLASH_BAUD,
    chip: ESPTOOL_CHIP[chip],
    benchDir: ctx.bench.dir,
  });
  ctx.info(`  flash: ${expanded.join(' ')}`);
  try {
    await runFlashCommand({
      argv: expanded,
      cwd: ctx.bench.dir,
      signal: ctx.signal,
      timeoutMs: ctx.bench.timeouts.flashMs,
      onLine: (line) => ctx.log(`[flash] ${line}`),
    });
  } catch (e) {
    throw firmwareFailure(e);
  } finally {
    if (viaSim) simResetToRun(viaSim);
  }
  return { detail: `ran ${expanded[0]}` };
}

async function viaEsptoolJs(ctx: StageContext, images: LoadedImage[], chip: ChipId): Promise<StageDone> {
  const timeoutMs = ctx.bench.timeouts.flashMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  let report: FlashReport;
  try {
    report = await flashOverSerial(ctx, images, chip, AbortSignal.any([ctx.signal, timeout]));
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw flashFailure(e, timeout.aborted, timeoutMs);
  }
  const app = images.find((i) => i.role === 'app');
  return {
    detail: describe(report),
    files: report.files,
    adds: { flashed: { app: app?.appDesc ?? null, appFile: app?.name ?? null, files: report.files } },
  };
}

/**
 * Stage `flash` (a firmware section with an image source): every image is checked before the board is touched (a
 * bad file is exit 2 naming it; the flash is untouched), then written in-process with esptool-js over the run's own
 * binding (./flash-serial.ts), or `firmware.command` runs in its own process group. Adds `flashed` (the app's
 * identity, for the ready stage's check).
 */
export const flashStage: Stage = {
  name: 'flash',
  skip: (ctx) => {
    if (ctx.bench.firmware?.source) return null;
    return ctx.bench.firmware
      ? 'firmware.expect only: the board is not flashed'
      : 'no firmware section in the bench file';
  },
  async run(ctx) {
    const source = ctx.bench.firmware?.source;
    if (!source) throw new HilError('internal', 'flash stage without a firmware source');
    const chip = benchChip(ctx);
    if (source.kind === 'command') return viaCommand(ctx, source.argv, chip);
    let images: LoadedImage[];
    try {
      images = prepareImages(source, { benchDir: ctx.bench.dir, chip });
    } catch (e) {
      throw firmwareFailure(e);
    }
    return viaEsptoolJs(ctx, images, chip);
  },
};
