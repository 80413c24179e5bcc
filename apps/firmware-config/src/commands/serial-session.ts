/** Opens a serial port and a console on it for provision/push; always closes what it opened. */
import { type ErrorResponse, MAX_FRAME_BYTES, type OkResponse, type Op } from '@esphil/protocol';
import {
  type BindingInterface,
  openSerialPort,
  type SerialConnection,
  SerialConsole,
  SerialError,
} from '@esphil/serial';
import { CliError } from './io';

/** A config.set answer carries the whole capabilities object: allow lines as long as a frame. */
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

let nextRequestId = 1;

/**
 * One request over the serial console, sent as a bare JSON line. The firmware accepts requests with or without
 * the `@esphil ` prefix, but the simulator (sim branch, as of this writing) only reads bare JSON lines, so
 * SerialConsole.request's prefixed form would go unanswered there. Answers are machine lines either way.
 */
export async function serialRequest<O extends Op>(
  console: SerialConsole,
  op: O,
  params: Record<string, unknown>,
  timeoutMs: number,
): Promise<OkResponse<O> | ErrorResponse> {
  const id = nextRequestId;
  nextRequestId = nextRequestId >= 0xffffffff ? 1 : nextRequestId + 1;
  const answer = console.waitFor(
    (item) =>
      item.kind === 'machine' && item.message.t === 'res' && item.message.id === id
        ? (item.message as OkResponse<O> | ErrorResponse)
        : undefined,
    {
      timeoutMs,
      timeoutError: () =>
        new SerialError(
          'timeout',
          `No response to serial request #${id} (${op}) within ${timeoutMs} ms on ${console.path}. ` +
            'Is the esphil firmware running (see the console log) and reading requests on serial?',
          { path: console.path },
        ),
    },
  );
  await console.write(JSON.stringify(Object.assign({ id, op }, params, { id, op })));
  return answer;
}
