import type { ChipId } from '@esphil/device-model';
import { type BindingInterface, type FlashImage, type FlashReport, flashImages } from '@esphil/serial';
import { ROM_BAUD } from '@esphil/sim';
import { nativeBinding } from './native-binding';
import { simEnterDownload, simResetToRun } from './sim-circuit';
import type { StageContext } from './stage';

const hexId = (v: string | undefined) => (v === undefined ? undefined : Number.parseInt(v, 16));

/**
 * Writes `images` with esptool-js (@esphil/serial flashImages) over the run's own serialport binding: the sim's
 * virtual one, or the native one for hardware and the sim-pty's pseudo-terminal. One code path for all three.
 *
 * Reset, by the bench's dut.reset:
 * - "esptool": flashImages' 'auto' (esptool's connect resets; USB-Serial/JTAG for 303a:1001); after a good write
 *   the board is left in the stub loader (afterGoodWrite 'stay', esptool's `--after no_reset`), after a failure or
 *   an abort flashImages resets it into run mode;
 * - "sim" (a pty carries no DTR/RTS): the simulated board's own circuit puts it in download mode; after a good
 *   write it is left there, after a failure or an abort it is reset into run mode;
 * - "none": the board must already be in the ROM loader (BOOT held) and is left there.
 * So a good write boots the new app once: at the reset stage's reset, with the console open (two boots let the
 * first one's lines arrive after the second began). After an abort the board is reset into run mode and boots
 * whatever flash holds (with a partial write the bootloader refuses the app and prints why); with reset "none" it
 * stays in the loader.
 * flashImages closes the port before it returns, so the serial stage can open it next.
 */
export async function flashOverSerial(
  ctx: StageContext,
  images: readonly FlashImage[],
  chip: ChipId,
  signal: AbortSignal,
): Promise<FlashReport> {
  const { dutPath, binding, sim } = ctx.need('ports');
  const viaSim = ctx.bench.dut.reset === 'sim' ? sim : null;
  if (viaSim) await simEnterDownload(viaSim, signal);
  const port = ctx.bench.dut.port;
  const done = new Set<number>();
  let lastEnd = 0;
  const flashing = flashImages({
    binding: (binding ?? (await nativeBinding())) as unknown as BindingInterface,
    path: dutPath,
    images,
    chip,
    reset: ctx.bench.dut.reset === 'esptool' ? 'auto' : 'none',
    afterGoodWrite: 'stay',
    // socat does not carry the stub's baud change to the sim's side of the pty: stay at the ROM's 115200 there.
    ...(ctx.bench.kind === 'sim-pty' ? { baudRate: ROM_BAUD } : {}),
    ...(port.vendorId ? { usbVendorId: hexId(port.vendorId) } : {}),
    ...(port.productId ? { usbProductId: hexId(port.productId) } : {}),
    signal,
    onLog: (line) => ctx.log(`[flash] ${line}`),
    onProgress: (p) => {
      // One progress line per file, when its last block is in. Files are written in order: a file's time runs from
      // the previous file's end (as flashImages measures it for the report).
      if (p.sent < p.total || done.has(p.index)) return;
      done.add(p.index);
      const bytes = images[p.index]?.data.length ?? p.total;
      const ms = Math.max(1, p.elapsedMs - lastEnd);
      lastEnd = p.elapsedMs;
      const rate = ((bytes * 1000) / ms / 1024).toFixed(1);
      ctx.info(
        `  flash ${done.size}/${images.length} ${p.name} @0x${p.offset.toString(16)}: ${bytes} bytes in ${ms} ms (${rate} KB/s)`,
      );
    },
  });
  // An aborted run may cut this stage before flashImages has reset the board and closed the port: its cleanup
  // (registered after the lock's, so run before it) waits for that, bounded by the pipeline's cleanup budget.
  ctx.onCleanup(() =>
    flashing.then(
      () => undefined,
      () => undefined,
    ),
  );
  let written = false;
  try {
    const report = await flashing;
    written = true;
    return report;
  } finally {
    // After a good write the board stays in the ROM loader: the reset stage, with the serial port open, gives it its
    // one boot (see above).
    if (viaSim && !written) simResetToRun(viaSim);
  }
}
