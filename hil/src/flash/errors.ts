import type { ImageErrorCode } from '@esphil/device-model';

/**
 * Everything wrong with a bench's firmware section or its files. All are the bench's fault (exit 2); nothing has
 * been written to the board when one is thrown.
 */
export type FirmwareErrorCode =
  | 'firmware_invalid'
  | 'firmware_file_missing'
  | 'firmware_file_too_large'
  | 'flasher_args_invalid'
  | 'image_invalid'
  /** firmware.command exited non-zero or was killed (abort). */
  | 'flash_command_failed';

export class FirmwareError extends Error {
  override readonly name = 'FirmwareError';
  constructor(
    readonly code: FirmwareErrorCode,
    message: string,
    /** What to fix. */
    readonly hint: string,
    /** For image_invalid: the device-model check that failed (image_wrong_chip, partition_bad_md5, ...). */
    readonly imageCode?: ImageErrorCode,
  ) {
    super(message);
  }
}
