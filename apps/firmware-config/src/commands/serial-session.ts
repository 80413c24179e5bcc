/** Opens a serial port and a console on it for provision/push; always closes what it opened. */
import { MAX_FRAME_BYTES } from '@esphil/protocol';
import {
  type BindingInterface,
  openSerialPort,
  type SerialConnection,
  SerialConsole,
  SerialError,
} from '@esphil/serial';
import { CliError } from './io';

/**
 * A config.set request carries a whole config and its answer the whole capabilities object: both sides allow
 * lines as long as a frame (PROTOCOL.md 11.1 lets both ends raise the 1024-byte default; the firmware and the
 * simulator accept at least this much).
 */
export const SERIAL_MAX_LINE_BYTES = MAX_FRAME_BYTES + 64;

export interface SerialTarget {
  port: string;
  /** serialport binding; default the native one. Tests pass the simulator's virtual binding. */
  binding?: BindingInterface;
  baudRate?: number;
  openTimeoutMs?: number;
}

export async function withConsole<T>(
  target: SerialTarget,
  run: (console: SerialConsole) => Promise<T>,
): Promise<T> {
  let conn: SerialConnection;
  try {
    conn = await openSerialPort({
      path: target.port,
      ...(target.binding ? { binding: target.binding } : {}),
      ...(target.baudRate ? { baudRate: target.baudRate } : {}),
      ...(target.openTimeoutMs ? { openTimeoutMs: target.openTimeoutMs } : {}),
      // Closing must not pulse the auto-reset circuit: the device should keep what we just sent.
      hupcl: false,
    });
  } catch (err) {
    throw serialFailure(err);
  }
  const console = new SerialConsole(conn, { maxLineBytes: SERIAL_MAX_LINE_BYTES });
  try {
    return await run(console);
  } finally {
    await console.close().catch(() => undefined);
    await conn.close().catch(() => undefined);
  }
}

/** SerialErrors keep their message (it says what to check); a timeout becomes 'device_timeout'. */
export function serialFailure(err: unknown, context?: string): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof SerialError) {
    const prefix = context ? `${context}: ` : '';
    if (err.code === 'timeout')
      return new CliError('device_timeout', `${prefix}${err.message}`, { cause: err });
    return new CliError('serial', `${prefix}${err.message} [${err.code}]`, { cause: err });
  }
  return new CliError(
    'serial',
    `${context ? `${context}: ` : ''}${err instanceof Error ? err.message : String(err)}`,
    {
      cause: err,
    },
  );
}
