/** Errors raised by the sim's own API (bad options, bad fault names, missing tools); `code` is stable. */
export type SimErrorCode =
  | 'fault_unknown'
  | 'fault_arg'
  | 'bad_option'
  | 'bad_config'
  | 'socat_missing'
  | 'not_running'
  | 'closed';

export class SimError extends Error {
  readonly code: SimErrorCode;
  constructor(code: SimErrorCode, message: string) {
    super(message);
    this.name = 'SimError';
    this.code = code;
  }
}
