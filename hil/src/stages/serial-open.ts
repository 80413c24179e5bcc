import { isSerialError, openSerialPort, resetToRunMode, SerialConsole } from '@esphil/serial';
import { errorMessage, HilError } from '../errors';
import { abortable } from './abort';
import type { Stage } from './stage';

/** Console lines kept for the serial fixture's `lines`. */
export const MAX_FIXTURE_LINES = 5000;

export function serialStageError(e: unknown, what: string, path: string): HilError {
  if (e instanceof HilError) return e;
  if (isSerialError(e, 'port_missing')) {
    return new HilError(
      'port_missing',
      `${what} port ${path} does not exist`,
      'plug the board in, or run `hil ports` and fix the port in the bench file',
    );
  }
  if (isSerialError(e, 'port_busy')) {
    return new HilError(
      'port_busy',
      `${what} port ${path} is busy (another program has it open)`,
      'close the serial monitor / other run using it',
    );
  }
  return new HilError(
    'port_missing',
    `${what} port ${path}: ${errorMessage(e)}`,
    'check the cable, udev permissions (dialout group) and the port in the bench file',
  );
}

/**
 * Setup step before `reset`: opens the DUT's serial console first, so the boot log after the reset is complete.
 * Adds the connection, the console, its line buffer, the bench's way to reset the DUT, and a boot mark at the open:
 * the one reset "none" waits from (the reset stage replaces it with the mark at its reset).
 */
export const serialOpenStage: Stage = {
  name: 'setup:serial',
  async run(ctx) {
    const { bench } = ctx;
    const { dutPath, binding, sim, simReset } = ctx.need('ports');
    let conn: Awaited<ReturnType<typeof openSerialPort>>;
    try {
      conn = await abortable(
        openSerialPort({
          path: dutPath,
          baudRate: bench.dut.baud,
          ...(binding ? { binding } : {}),
        } as Parameters<typeof openSerialPort>[0]),
        ctx.signal,
        (late) => late.close(),
      );
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw serialStageError(e, 'DUT', dutPath);
    }
    ctx.onCleanup(() => conn.close());
    const console = new SerialConsole(conn, { requestTimeoutMs: bench.timeouts.requestMs });
    const lines: string[] = [];
    console.on('item', () => {
      const last = console.entries(console.mark() - 1)[0];
      if (last) {
        lines.push(last.text);
        if (lines.length > MAX_FIXTURE_LINES) lines.shift();
        ctx.log(last.text);
      }
    });
    const resetDut = async () => {
      if (bench.dut.reset === 'esptool') await resetToRunMode(conn);
      else if (bench.dut.reset === 'sim') {
        if (simReset) await simReset();
        else if (!sim)
          throw new HilError(
            'reset_failed',
            'reset "sim" needs a simulated bench',
            'use "esptool" on hardware',
          );
        else void sim.dut.reset();
      }
    };
    return { adds: { conn, console, lines, bootMark: console.mark(), resetDut } };
  },
};
