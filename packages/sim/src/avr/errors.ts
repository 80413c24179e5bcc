export type AvrErrorCode = 'invalid_hex' | 'image_too_large' | 'image_missing';

/** A firmware image the emulated AVR cannot run; the message says what to fix. */
export class AvrError extends Error {
  constructor(
    readonly code: AvrErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AvrError';
  }
}
