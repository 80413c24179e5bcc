/** Flashing failures, by what the user can do about them. */
export type FlashErrorCode =
  /** No SYNC answer: wrong port, no auto-reset circuit (hold BOOT), or another program holds the port. */
  | 'flash_connect_failed'
  /** The board's chip is not the bench's chip. Nothing was written. */
  | 'flash_wrong_chip'
  /** The loader refused or lost a write. */
  | 'flash_write_failed'
  /** The MD5 of what is in flash differs from the file. */
  | 'flash_verify_failed'
  /** A native-USB port left during the reset and did not come back within reenumerateTimeoutMs. */
  | 'flash_port_gone'
  /** The caller's AbortSignal fired; the port is closed and the board released to run mode. */
  | 'flash_aborted'
  | 'flash_invalid_options';

export class FlashError extends Error {
  override readonly name = 'FlashError';
  constructor(
    readonly code: FlashErrorCode,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
