/**
 * esptool's reset sequences over DTR/RTS.
 *
 * Dev boards wire RTS to EN (reset) and DTR to GPIO0 (boot mode) through two cross-coupled transistors, so
 * each line is active low and asserting both does nothing (a terminal that opens with both asserted must
 * not hold the chip in reset):
 *
 *   DTR  RTS  |  EN    GPIO0 | effect
 *   ---------------------------------------------------------------
 *    0    0   |  high  high  | run
 *    1    1   |  high  high  | run (both asserted cancel out)
 *    0    1   |  LOW   high  | held in reset
 *    1    0   |  high  LOW   | GPIO0 low: boots into ROM download mode if EN rises now
 *
 * (1 = asserted by the host, i.e. set({ dtr: true }).) Every step passes both lines: serialport's set()
 * fills a missing one with `true`, which would silently change the other line.
 */
import type { ControlLines } from './open';

export interface ResetStep extends ControlLines {
  /** Hold this state for this long before the next step (0 = last step). */
  holdMs: number;
}

export interface ResetTimings {
  /** How long EN is held low. esptool: 100 ms. */
  resetMs: number;
  /** Bootloader only: how long GPIO0 stays low after EN rises. esptool: 50 ms. */
  bootHoldMs: number;
}

export const DEFAULT_RESET_TIMINGS: ResetTimings = { resetMs: 100, bootHoldMs: 50 };

export interface ResetOptions {
  timings?: Partial<ResetTimings>;
  /** Waits between steps; default setTimeout (so vi.useFakeTimers controls it). */
  sleep?: (ms: number) => Promise<void>;
}

/** Anything whose DTR/RTS can be set: a SerialConnection, or a test double. */
export interface ControlLineTarget {
  set(lines: ControlLines): Promise<void>;
}

/** esptool HardReset: RTS=1 (EN low), wait, RTS=0. DTR stays released so GPIO0 is high: normal boot. */
export function runModeSequence(timings: Partial<ResetTimings> = {}): ResetStep[] {
  const t = { ...DEFAULT_RESET_TIMINGS, ...timings };
  return [
    { dtr: false, rts: true, holdMs: t.resetMs },
    { dtr: false, rts: false, holdMs: 0 },
  ];
}

/** esptool ClassicReset: DTR=0 RTS=1 (reset), wait, DTR=1 RTS=0 (run with GPIO0 low), wait, DTR=0. */
export function bootloaderSequence(timings: Partial<ResetTimings> = {}): ResetStep[] {
  const t = { ...DEFAULT_RESET_TIMINGS, ...timings };
  return [
    { dtr: false, rts: true, holdMs: t.resetMs },
    { dtr: true, rts: false, holdMs: t.bootHoldMs },
    { dtr: false, rts: false, holdMs: 0 },
  ];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Plays a sequence. A port without modem lines (a pty) rejects at the first step with SerialError 'unsupported'. */
export async function runResetSequence(
  target: ControlLineTarget,
  steps: readonly ResetStep[],
  opts: Pick<ResetOptions, 'sleep'> = {},
): Promise<void> {
  const sleep = opts.sleep ?? defaultSleep;
  for (const step of steps) {
    await target.set({ dtr: step.dtr, rts: step.rts });
    if (step.holdMs > 0) await sleep(step.holdMs);
  }
}

/** Hard reset into the application (what esptool does after flashing). */
export function resetToRunMode(target: ControlLineTarget, opts: ResetOptions = {}): Promise<void> {
  return runResetSequence(target, runModeSequence(opts.timings), opts);
}

/** Reset into the ROM bootloader (download mode), for flashing. */
export function resetToBootloader(target: ControlLineTarget, opts: ResetOptions = {}): Promise<void> {
  return runResetSequence(target, bootloaderSequence(opts.timings), opts);
}
