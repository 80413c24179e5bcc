/** Stable codes for everything that is the bench's fault rather than the DUT's. All map to exit code 2. */
export type HilErrorCode =
  | 'bench_invalid'
  | 'bench_not_found'
  | 'lock_held'
  | 'lock_failed'
  | 'aborted'
  | 'port_missing'
  | 'port_busy'
  | 'flash_failed'
  /** A firmware file is missing or fails the image checks: nothing was written. */
  | 'image_invalid'
  /** The booted app is not the one flashed (or the bench's firmware.expect). */
  | 'identity_mismatch'
  /** The ROM / bootloader refused what is in flash (its message is in the error and the serial log). */
  | 'boot_failed'
  | 'reset_failed'
  | 'never_ready'
  | 'provision_failed'
  | 'connect_failed'
  | 'adapter_invalid'
  | 'dut_unsupported'
  | 'probe_failed'
  | 'wiring_crossed'
  | 'suite_not_found'
  | 'no_suites'
  | 'bad_args'
  | 'out_unwritable'
  | 'aborted'
  | 'internal';

export class HilError extends Error {
  override readonly name = 'HilError';
  constructor(
    readonly code: HilErrorCode,
    message: string,
    /** What the user should do about it. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const EXIT_OK = 0;
export const EXIT_DUT_FAILED = 1;
export const EXIT_BENCH_ERROR = 2;
/** Aborted runs exit 128 + the signal number, as a shell reports a process killed by it: SIGINT 130, SIGTERM 143. */
export const EXIT_SIGINT = 130;
export const EXIT_SIGTERM = 143;

export function isHilError(e: unknown): e is HilError {
  return e instanceof HilError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Any thrown value as a HilError: ours pass through; anything else is unexpected, so it is a runner bug. */
export function toHilError(e: unknown): HilError {
  if (e instanceof HilError) return e;
  return new HilError('internal', errorMessage(e), 'this is a runner bug: please report it with report.json');
}
