import type { SimBench } from '@esphil/sim';
import { HilError } from '../errors';
import { abortable } from './abort';

/** Longest wait for the simulated board to change mode after its lines moved (the sim's EN release is 2 ms). */
export const SIM_MODE_CHANGE_MS = 2000;

async function phaseWithin(
  sim: SimBench,
  phases: Parameters<SimBench['dut']['waitForPhase']>[0],
  signal: AbortSignal,
) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HilError(
            'flash_failed',
            `the simulated board did not enter ${String(phases)} mode`,
            'a sim bug: report it',
          ),
        ),
      SIM_MODE_CHANGE_MS,
    );
  });
  try {
    return await abortable(Promise.race([sim.dut.waitForPhase(phases), late]), signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Download mode through the simulated board's own auto-reset circuit, for benches whose port cannot carry DTR/RTS
 * (a pty: reset "sim"): EN low, then EN released with GPIO0 held low (what esptool's classic reset does with the
 * lines; esptool-facts.md "Reset sequences"), then both lines released once the ROM loader runs.
 */
export async function simEnterDownload(sim: SimBench, signal: AbortSignal): Promise<void> {
  const download = phaseWithin(sim, 'download', signal);
  sim.dut.setControlLines({ dtr: false, rts: true });
  sim.dut.setControlLines({ dtr: true, rts: false });
  try {
    await download;
  } finally {
    sim.dut.setControlLines({ dtr: false, rts: false });
  }
}

/** Run mode the same way: an EN pulse with GPIO0 released (esptool HardReset). The board boots what flash holds. */
export function simResetToRun(sim: SimBench): void {
  sim.dut.setControlLines({ dtr: false, rts: true });
  sim.dut.setControlLines({ dtr: false, rts: false });
}
