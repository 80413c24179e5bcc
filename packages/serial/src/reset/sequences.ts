/**
 * esptool's reset sequences over DTR/RTS, as data (steps) and a player.
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
 * fills a missing one with `true`, which would silently change the other line. With the native binding one
 * set() is one TIOCMSET ioctl carrying both lines, which is exactly esptool's `_setDTRandRTS` (the "tight"
 * write); esptool's one-line `_setDTR`/`_setRTS` writes are modelled as a set() that changes one line and
 * repeats the other's current state.
 *
 * Sources (esptool v5.1.0, esptool/reset.py): DEFAULT_RESET_DELAY 0.05 s (l.27), the open/reset retry loop
 * (l.44-63), `_setRTS` rewriting DTR for usbser.sys (l.71-76), ClassicReset (l.98-105), UnixTightReset
 * (l.114-122), USBJTAGSerialReset (l.131-143), HardReset (l.156-166). Also esptool-facts.md "Reset sequences".
 */
import type { ControlLines } from '../open';

export interface ResetStep extends ControlLines {
  /** Hold this state for this long before the next step (0 = last step or no wait). */
  holdMs: number;
}

export interface ResetTimings {
  /** How long EN is held low. esptool: 100 ms (reset.py:101, 118). */
  resetMs: number;
  /** Bootloader only: how long GPIO0 stays low after EN rises. esptool: 50 ms, retry variant 550 ms. */
  bootHoldMs: number;
}

/** esptool DEFAULT_RESET_DELAY (reset.py:27), in ms. */
export const ESPTOOL_RESET_DELAY_MS = 50;
/** esptool's second try: DEFAULT_RESET_DELAY + 0.5 s (loader.py:731), for boards whose EN capacitor is slow. */
export const ESPTOOL_EXTRA_RESET_DELAY_MS = ESPTOOL_RESET_DELAY_MS + 500;

export const DEFAULT_RESET_TIMINGS: ResetTimings = {
  resetMs: 100,
  bootHoldMs: ESPTOOL_RESET_DELAY_MS,
};

export interface ResetOptions {
  timings?: Partial<ResetTimings>;
  /** Waits between steps; default setTimeout (so vi.useFakeTimers controls it). */
  sleep?: (ms: number) => Promise<void>;
}

/** Anything whose DTR/RTS can be set: a SerialConnection, or a test double. */
export interface ControlLineTarget {
  set(lines: ControlLines): Promise<void>;
}

/** What the OS leaves the lines at after open (Linux asserts both unless HUPCL is off: hardware-facts.md). */
export const LINES_AFTER_OPEN: ControlLines = { dtr: true, rts: true };

/** esptool HardReset: RTS=1 (EN low), wait, RTS=0. DTR stays released so GPIO0 is high: normal boot. */
export function runModeSequence(timings: Partial<ResetTimings> = {}): ResetStep[] {
  const t = { ...DEFAULT_RESET_TIMINGS, ...timings };
  return [
    { dtr: false, rts: true, holdMs: t.resetMs },
    { dtr: false, rts: false, holdMs: 0 },
  ];
}

/**
 * Reset into download mode with both lines written together at each step: DTR=0 RTS=1 (reset), wait,
 * DTR=1 RTS=0 (run with GPIO0 low), wait, DTR=0. This is what esptool-js 0.7.0's ClassicReset writes
 * (lib/reset.js: setSignals with both lines); UnixTightReset is the same plus its (0,0),(1,1) prelude.
 */
export function bootloaderSequence(timings: Partial<ResetTimings> = {}): ResetStep[] {
  const t = { ...DEFAULT_RESET_TIMINGS, ...timings };
  return [
    { dtr: false, rts: true, holdMs: t.resetMs },
    { dtr: true, rts: false, holdMs: t.bootHoldMs },
    { dtr: false, rts: false, holdMs: 0 },
  ];
}

/** One esptool line write: `_setDTR` or `_setRTS` (which also rewrites DTR unchanged, reset.py:71-76). */
type LineWrite = { dtr: boolean } | { rts: boolean } | { waitMs: number };

function fromLineWrites(writes: readonly LineWrite[], from: ControlLines): ResetStep[] {
  const steps: ResetStep[] = [];
  let state = { ...from };
  for (const w of writes) {
    if ('waitMs' in w) {
      const last = steps.at(-1);
      if (last) last.holdMs += w.waitMs;
      continue;
    }
    if ('dtr' in w) state = { ...state, dtr: w.dtr };
    else state = { ...state, rts: w.rts };
    steps.push({ ...state, holdMs: 0 });
    // _setRTS follows with setDTR(current DTR): on Linux a no-op write, kept so the call count matches esptool.
    if ('rts' in w) steps.push({ ...state, holdMs: 0 });
  }
  return steps;
}

/**
 * esptool ClassicReset (reset.py:98-105): D0, R1, 100 ms, D1, R0, delay, D0, one line per write. Starting
 * from the OS's open state (both asserted) the lines pass through (1,1) between "D1" and "R0": on a real board
 * the EN capacitor keeps the chip in reset through that instant, so GPIO0 is already low when EN rises.
 */
export function classicResetSequence(
  bootHoldMs: number = ESPTOOL_RESET_DELAY_MS,
  from: ControlLines = LINES_AFTER_OPEN,
  resetMs: number = DEFAULT_RESET_TIMINGS.resetMs,
): ResetStep[] {
  return fromLineWrites(
    [
      { dtr: false },
      { rts: true },
      { waitMs: resetMs },
      { dtr: true },
      { rts: false },
      { waitMs: bootHoldMs },
      { dtr: false },
    ],
    from,
  );
}

/**
 * esptool UnixTightReset (reset.py:114-122): both lines in one ioctl per step, so EN rises in the same write
 * that pulls GPIO0 low: (0,0), (1,1), (0,1), 100 ms, (1,0), delay, (0,0), then a lone setDTR(False).
 */
export function unixTightResetSequence(
  bootHoldMs: number = ESPTOOL_RESET_DELAY_MS,
  resetMs: number = DEFAULT_RESET_TIMINGS.resetMs,
): ResetStep[] {
  return [
    { dtr: false, rts: false, holdMs: 0 },
    { dtr: true, rts: true, holdMs: 0 },
    { dtr: false, rts: true, holdMs: resetMs },
    { dtr: true, rts: false, holdMs: bootHoldMs },
    { dtr: false, rts: false, holdMs: 0 },
    // "Needed in some environments to ensure IO0=HIGH" (reset.py:122): the same state written once more.
    { dtr: false, rts: false, holdMs: 0 },
  ];
}

/**
 * esptool USBJTAGSerialReset (reset.py:131-143), for the ESP32-S3/C3 USB-Serial/JTAG peripheral (303a:1001),
 * which reads DTR/RTS as commands rather than through transistors: idle, "set IO0" (DTR=1), then reset with
 * RTS=1 reached through (1,1) instead of (0,0), then both released. 100 ms between groups.
 */
export function usbJtagResetSequence(from: ControlLines = LINES_AFTER_OPEN): ResetStep[] {
  return fromLineWrites(
    [
      { rts: false },
      { dtr: false },
      { waitMs: 100 },
      { dtr: true },
      { rts: false },
      { waitMs: 100 },
      { rts: true },
      { dtr: false },
      { rts: true },
      { waitMs: 100 },
      { dtr: false },
      { rts: false },
    ],
    from,
  );
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
