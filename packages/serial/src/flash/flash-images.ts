/**
 * Flashes a checked image set in-process with esptool-js (pinned in package.json) over a serialport binding.
 * Handles the esptool-js behaviours in esptool-facts.md:
 * - it never checks images against the chip: the caller validates first (@esphil/device-model checkImageSet), and we
 *   refuse when the detected chip is not the expected one, before anything is written;
 * - without the stub its MD5 check always fails: we keep the stub (its default) and compute the file MD5 ourselves;
 * - its hard reset leaves GPIO0 low on the classic circuit: we never call its after(); we play our own run-mode
 *   sequence (RTS pulse with DTR released, esptool HardReset) through the same port;
 * - its connect resets are replaced by esptool's (./reset-hook.ts): tight/classic 50/550 ms cycling, USB-Serial/JTAG
 *   for 303a:1001, re-open of a port that drops out; a port without modem lines (a pty) is warned about, not fatal.
 */
import { ESPLoader, type LoaderOptions, type Transport } from 'esptool-js';
import type { BindingInterface } from '../binding';
import {
  connectResetPlan,
  RESET_STRATEGIES,
  type ResetStrategyName,
  runModeSequence,
  runResetSequence,
} from '../reset';
import { FlashError } from './errors';
import { md5Hex } from './md5';
import { installResetPlan } from './reset-hook';
import { RunnerTransport } from './runner-transport';
import { BindingSerialPort } from './web-serial-port';

/** esptool-js CHIP_NAME for each board-profile chip. */
const CHIP_NAMES: Record<FlashChip, string> = {
  esp32: 'ESP32',
  'esp32-s3': 'ESP32-S3',
  'esp32-c3': 'ESP32-C3',
};

export type FlashChip = 'esp32' | 'esp32-s3' | 'esp32-c3';

export interface FlashImage {
  offset: number;
  data: Uint8Array;
  /** For progress and errors: the path as the bench wrote it. */
  name: string;
}

export interface FlashProgress {
  index: number;
  name: string;
  offset: number;
  /** Bytes of this file sent so far (esptool-js reports compressed bytes). */
  sent: number;
  total: number;
  elapsedMs: number;
}

export interface FlashedFile {
  name: string;
  offset: number;
  bytes: number;
  ms: number;
  bytesPerSecond: number;
}

export interface FlashReport {
  chip: string;
  files: FlashedFile[];
  totalMs: number;
  baudRate: number;
  /** The connect resets played, in order ('tight-unix 50 ms', ...); empty with reset 'none'. */
  resets: string[];
}

export interface FlashImagesOptions {
  binding: BindingInterface;
  path: string;
  images: readonly FlashImage[];
  /** The bench's chip: a board reporting another chip is refused before writing. */
  chip: FlashChip;
  /** Baud after the stub is up. Default 460800 (esptool's usual). ROM baud is always 115200. */
  baudRate?: number;
  /**
   * How to get into download mode (../reset/strategy.ts). Default 'auto': USB-Serial/JTAG for 303a:1001 (give
   * usbVendorId/usbProductId), else esptool's tight-unix/classic cycle with 50/550 ms. 'none': the board is
   * already in download mode and is not reset afterwards either. Every other choice ends with our run-mode reset.
   */
  reset?: ResetStrategyName;
  /**
   * After a good write: 'run' (default) resets the board into run mode; 'stay' leaves it in the stub loader with the
   * lines released (esptool's `--after no_reset`), for a caller that boots it once itself with its console open.
   * A failure or an abort resets into run mode either way (not with reset 'none').
   */
  afterGoodWrite?: 'run' | 'stay';
  /** A native-USB port that leaves during the reset is waited for this long. Default 5000 ms. */
  reenumerateTimeoutMs?: number;
  usbVendorId?: number;
  usbProductId?: number;
  signal?: AbortSignal;
  onProgress?: (progress: FlashProgress) => void;
  onLog?: (line: string) => void;
}

function terminal(onLog: ((line: string) => void) | undefined): LoaderOptions['terminal'] {
  let partial = '';
  const emit = (text: string, newline: boolean) => {
    partial += text;
    if (!newline) return;
    for (const line of partial.split(/\r?\n/)) if (line.trim()) onLog?.(line);
    partial = '';
  };
  return {
    clean: () => undefined,
    write: (d: string) => emit(d, false),
    writeLine: (d: string) => emit(d, true),
  };
}

function check(options: FlashImagesOptions): void {
  if (options.images.length === 0) {
    throw new FlashError(
      'flash_invalid_options',
      'no images to flash',
      'resolve the bench firmware section first',
    );
  }
  if (options.reset !== undefined && !RESET_STRATEGIES.includes(options.reset)) {
    throw new FlashError(
      'flash_invalid_options',
      `unknown reset "${String(options.reset)}"`,
      `use one of ${RESET_STRATEGIES.join(', ')}`,
    );
  }
  if (options.afterGoodWrite !== undefined && !['run', 'stay'].includes(options.afterGoodWrite)) {
    throw new FlashError(
      'flash_invalid_options',
      `unknown afterGoodWrite "${String(options.afterGoodWrite)}"`,
      'use "run" or "stay"',
    );
  }
  const baud = options.baudRate ?? 460800;
  if (!Number.isInteger(baud) || baud < 9600 || baud > 2_000_000) {
    throw new FlashError('flash_invalid_options', `baud rate ${baud} out of range`, 'use 115200..921600');
  }
}

function classify(error: unknown, stage: 'connect' | 'write', signal?: AbortSignal): FlashError {
  if (error instanceof FlashError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (signal?.aborted)
    return new FlashError('flash_aborted', `flashing aborted (${message})`, 'run again', { cause: error });
  if (/md5/i.test(message))
    return new FlashError('flash_verify_failed', message, 'flash again; check the cable', { cause: error });
  if (stage === 'connect') {
    return new FlashError(
      'flash_connect_failed',
      message,
      'check the port; hold BOOT while resetting if the board has no auto-reset',
      { cause: error },
    );
  }
  return new FlashError('flash_write_failed', message, 'flash again at a lower baud rate', { cause: error });
}

export async function flashImages(options: FlashImagesOptions): Promise<FlashReport> {
  check(options);
  const baudRate = options.baudRate ?? 460800;
  const port = new BindingSerialPort(options);
  const transport = new RunnerTransport(port as unknown as ConstructorParameters<typeof Transport>[0], false);
  const loader = new ESPLoader({
    transport,
    baudrate: baudRate,
    romBaudrate: 115200,
    terminal: terminal(options.onLog),
  });
  const strategy = options.reset ?? 'auto';
  const lines = port.asControlLines();
  const played: { label: string; outcome: 'reset' | 'no-modem-lines' }[] = [];
  installResetPlan(loader, {
    path: options.path,
    plan: connectResetPlan(strategy, { vendorId: options.usbVendorId, productId: options.usbProductId }),
    transport,
    lines,
    romBaudrate: 115200,
    reenumerateTimeoutMs: options.reenumerateTimeoutMs,
    signal: options.signal,
    onLog: options.onLog,
    played,
  });
  const started = Date.now();
  let rejectAbort: (e: Error) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    rejectAbort = reject;
  });
  aborted.catch(() => undefined);
  const onAbort = () => {
    transport.aborted = true;
    rejectAbort(
      new FlashError('flash_aborted', 'flashing aborted', 'run again; the board may hold a partial image'),
    );
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stage: 'connect' | 'write' = 'connect';
  let written = false;
  try {
    if (options.signal?.aborted)
      throw new FlashError('flash_aborted', 'aborted before connecting', 'run again');
    const chip = await Promise.race([
      loader.main(strategy === 'none' ? 'no_reset' : 'default_reset'),
      aborted,
    ]);
    const detected = loader.chip.CHIP_NAME;
    if (detected !== CHIP_NAMES[options.chip]) {
      throw new FlashError(
        'flash_wrong_chip',
        `the board is an ${detected} (${chip}), the bench says ${options.chip}`,
        'fix the bench chip or the port',
      );
    }
    stage = 'write';
    const files = await Promise.race([writeAll(loader, options), aborted]);
    written = !options.signal?.aborted;
    return {
      chip: detected,
      files,
      totalMs: Date.now() - started,
      baudRate,
      resets: played.map((p) => p.label),
    };
  } catch (error) {
    throw classify(error, stage, options.signal);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    const hasLines = strategy !== 'none' && !played.some((p) => p.outcome === 'no-modem-lines');
    const stay = written && options.afterGoodWrite === 'stay';
    await releaseAndClose(port, transport, hasLines && !stay);
  }
}

async function writeAll(loader: ESPLoader, options: FlashImagesOptions): Promise<FlashedFile[]> {
  const marks = options.images.map(() => ({ start: 0, end: 0 }));
  const begin = Date.now();
  await loader.writeFlash({
    fileArray: options.images.map((i) => ({ data: i.data, address: i.offset })),
    flashMode: 'keep',
    flashFreq: 'keep',
    flashSize: 'keep',
    eraseAll: false,
    compress: true,
    calculateMD5Hash: (image: Uint8Array) => md5Hex(image),
    reportProgress: (index: number, sent: number, total: number) => {
      const image = options.images[index] as FlashImage;
      const mark = marks[index] as { start: number; end: number };
      // esptool-js reports after each block, so a file's first report comes after its erase and first block: the
      // file starts where the previous one ended (its MD5 check included), the first where writing began.
      if (mark.start === 0) mark.start = index === 0 ? begin : (marks[index - 1]?.end ?? begin);
      mark.end = Date.now();
      options.onProgress?.({
        index,
        name: image.name,
        offset: image.offset,
        sent,
        total,
        elapsedMs: mark.end - begin,
      });
    },
  });
  return options.images.map((image, i) => {
    const mark = marks[i] as { start: number; end: number };
    const ms = Math.max(1, mark.end - mark.start);
    return {
      name: image.name,
      offset: image.offset,
      bytes: image.data.length,
      ms,
      bytesPerSecond: Math.round((image.data.length * 1000) / ms),
    };
  });
}

/**
 * Whatever happened (done, failed, aborted; but not a good write with afterGoodWrite 'stay'), reset the board into
 * run mode with our own sequence (RTS pulse, DTR released: esptool-js's hard reset would leave GPIO0 low) and close
 * the port. The board then boots what flash holds: the new image, or the bootloader's error for a partial one.
 */
async function releaseAndClose(
  port: BindingSerialPort,
  transport: Transport,
  hasLines: boolean,
): Promise<void> {
  if (hasLines) await runResetSequence(port.asControlLines(), runModeSequence()).catch(() => undefined);
  await transport.disconnect().catch(() => undefined);
  await port.close().catch(() => undefined);
}
