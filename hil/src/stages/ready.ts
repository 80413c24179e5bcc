import { type SerialConsole, waitForReady } from '@esphil/serial';
import { errorMessage, HilError } from '../errors';
import { abortable } from './abort';
import { watchBootFailure } from './boot-failure';
import { checkBootIdentity } from './identity-check';
import type { Stage } from './stage';

/** Resolves with the reboot seen within `ms` (a boot line), or null when the DUT stayed up. */
function rebootWithin(
  console: SerialConsole,
  ms: number,
  signal: AbortSignal,
): Promise<{ reason: string } | null> {
  let stop = () => {};
  const watch = new Promise<{ reason: string } | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    const off = console.on('machine', (m) => {
      if (m.t === 'boot') resolve(m);
    });
    stop = () => {
      clearTimeout(timer);
      off();
    };
  });
  return abortable(watch, signal).finally(() => stop());
}

/**
 * Stage `ready`: waits for the `@esphil {"t":"ready"}` line (a fatal bootloader line ends the wait at once:
 * ./boot-failure.ts); the booted identity must be the one flashed / expected (./identity-check.ts); then the DUT
 * must stay up for bootSettleMs (a boot loop prints ready lines too). Adds `ready` and `url` (the bench's, or the ready line's when dut.url is "discover").
 */
export const readyStage: Stage = {
  name: 'ready',
  async run(ctx) {
    const { bench } = ctx;
    const console = ctx.need('console');
    let ready: Awaited<ReturnType<typeof waitForReady>>;
    const bootFailure = watchBootFailure(console, ctx.need('bootMark'));
    try {
      ready = await abortable(
        Promise.race([
          waitForReady(console, {
            since: ctx.need('bootMark'),
            timeoutMs: bench.timeouts.readyMs,
            baudRate: bench.dut.baud,
          }),
          bootFailure.failed,
        ]),
        ctx.signal,
      );
    } catch (e) {
      if (ctx.signal.aborted || (e instanceof HilError && e.code === 'boot_failed')) throw e;
      throw new HilError(
        'never_ready',
        `the DUT never printed its ready line: ${errorMessage(e)}`,
        'check the firmware boots (serial log in the report), the baud rate and the reset wiring',
      );
    } finally {
      bootFailure.stop();
    }
    // The boot line names the booted build; without one, the connect stage checks hello's instead.
    const checked = ready.boot ? checkBootIdentity(ctx, ready.boot, 'boot line') : false;
    const reboot = await rebootWithin(console, bench.timeouts.bootSettleMs, ctx.signal);
    if (reboot) {
      throw new HilError(
        'never_ready',
        `the DUT rebooted within ${bench.timeouts.bootSettleMs} ms of its ready line (reset reason "${reboot.reason}"): boot loop`,
        'read the panic in the serial log (report.html / serial.log): the firmware crashes right after boot',
      );
    }
    const url = bench.dut.url === 'discover' ? (ready.ready.url ?? null) : bench.dut.url;
    return {
      detail: `${ready.boot ? `fw ${ready.boot.fw} on ${ready.boot.board}, ` : ''}${ready.ready.url ?? 'no IP'}${checked ? ', identity checked' : ''}`,
      adds: { ready, url },
    };
  },
};
