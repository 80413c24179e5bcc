/**
 * One reset attempt the way esptool's ResetStrategy.__call__ plays it (esptool v5.1.0 reset.py:44-63):
 * - a port that cannot set modem lines (ENOTTY/EINVAL: a pty, some USB ROM-loader interfaces) is not reset, with
 *   one warning, and the caller goes on to sync (the board may already be in download mode);
 * - a port that drops out during the reset (a native-USB chip leaving the bus) is re-opened and the reset played
 *   again, up to 3 times in all;
 * - anything else fails the attempt.
 */
import { toSerialError } from '../errors';
import type { ControlLines } from '../open';
import { isGoneError } from './reopen';
import { type ControlLineTarget, runResetSequence } from './sequences';
import type { ResetAttempt } from './strategy';

/** esptool: `for retry in reversed(range(3))` (reset.py:44). */
export const RESET_TRIES = 3;

export interface ResetAttemptContext {
  path: string;
  target: ControlLineTarget;
  /** The lines' state now (classic and USB-JTAG sequences write one line at a time from it). */
  lines(): ControlLines;
  /** Close what is left of the port, wait for it to come back, open it again. */
  reopen(): Promise<void>;
  /** Called once per context when the port has no modem lines. */
  warn(message: string): void;
  sleep?: (ms: number) => Promise<void>;
}

export type ResetOutcome = 'reset' | 'no-modem-lines';

export async function playResetAttempt(
  attempt: ResetAttempt,
  ctx: ResetAttemptContext,
): Promise<ResetOutcome> {
  for (let tryNo = 1; ; tryNo++) {
    try {
      await runResetSequence(ctx.target, attempt.steps(ctx.lines()), { sleep: ctx.sleep });
      return 'reset';
    } catch (raw) {
      const err = toSerialError(raw, 'set', ctx.path);
      if (err.code === 'unsupported') {
        ctx.warn(
          `Chip was NOT reset: ${ctx.path} cannot set DTR/RTS. Use reset "none" and put the board in download ` +
            'mode by hand (hold BOOT, press EN) to avoid this warning.',
        );
        return 'no-modem-lines';
      }
      if (!isGoneError(err) || tryNo >= RESET_TRIES) throw err;
      await ctx.reopen();
    }
  }
}
