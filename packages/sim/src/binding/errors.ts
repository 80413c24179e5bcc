export type VirtualBindingErrorCode =
  | 'invalid_options'
  | 'port_missing'
  | 'port_busy'
  | 'not_open'
  | 'canceled'
  | 'disconnected'
  | 'overlapping_io';

/**
 * Errors from the virtual binding. `canceled` follows the binding-interface contract: reads and writes in
 * flight when the port closes fail with `canceled: true`, which SerialPortStream treats as a normal close;
 * any other error (e.g. the device was unplugged) makes the stream report a disconnect.
 */
export class VirtualBindingError extends Error {
  readonly code: VirtualBindingErrorCode;
  readonly canceled: boolean;
  constructor(code: VirtualBindingErrorCode, message: string) {
    super(message);
    this.name = 'VirtualBindingError';
    this.code = code;
    this.canceled = code === 'canceled';
  }
}
