/**
 * Typed serial errors. Bindings (native, mock, simulated) report failures as plain Errors whose only
 * information is the message text, so classification goes by errno-style `code` when a binding sets one
 * and by the message otherwise. A custom binding can throw a SerialError itself or set `code` to
 * ENOENT / EBUSY / EACCES / ENOTTY.
 */

export type SerialErrorCode =
  | 'port_missing'
  | 'port_busy'
  | 'port_ambiguous'
  | 'permission'
  | 'timeout'
  | 'disconnected'
  | 'io'
  | 'unsupported';

export class SerialError extends Error {
  readonly code: SerialErrorCode;
  readonly path: string | undefined;
  constructor(code: SerialErrorCode, message: string, opts: { path?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SerialError';
    this.code = code;
    this.path = opts.path;
  }
}

export function isSerialError(e: unknown, code?: SerialErrorCode): e is SerialError {
  return e instanceof SerialError && (code === undefined || e.code === code);
}

/** What was being done when the binding failed; picks the wording of the message. */
export type SerialOp =
  | 'open'
  | 'write'
  | 'set'
  | 'get'
  | 'update'
  | 'close'
  | 'list'
  | 'read'
  | 'drain'
  | 'flush';

function errnoOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export const HINT_LIST_PORTS = 'Run `hil ports` to list ports; check the cable and udev permissions';

/** Maps any binding error to a SerialError whose message says what to check. */
export function toSerialError(err: unknown, op: SerialOp, path: string): SerialError {
  if (err instanceof SerialError) return err;
  const raw = messageOf(err);
  const errno = errnoOf(err);
  const opts = { path, cause: err };
  const has = (re: RegExp) => re.test(raw);
  if (
    (typeof err === 'object' && err !== null && (err as { disconnected?: unknown }).disconnected === true) ||
    errno === 'ENXIO' ||
    errno === 'EIO' ||
    errno === 'disconnected' ||
    has(/disconnected|No such device(?! or address)|Input\/output error/i)
  ) {
    return new SerialError(
      'disconnected',
      `Serial port ${path} disconnected (${raw}). Check the USB cable; the board may come back under another name: ${HINT_LIST_PORTS}.`,
      opts,
    );
  }
  // Custom bindings (the simulator's, a user's) may report our own code names instead of errno names.
  if (
    errno === 'ENOENT' ||
    errno === 'port_missing' ||
    has(/No such file or directory|does not exist|ENOENT/i)
  ) {
    // A custom binding's own words (e.g. which virtual ports exist) are worth more than the OS's.
    const detail = errno === 'port_missing' ? ` (${raw})` : '';
    return new SerialError('port_missing', `No serial port at ${path}${detail}. ${HINT_LIST_PORTS}.`, opts);
  }
  if (errno === 'EBUSY' || errno === 'port_busy' || has(/Cannot lock port|locked|Resource busy|EBUSY/i)) {
    return new SerialError(
      'port_busy',
      `Serial port ${path} is in use by another program (a serial monitor, another hil run, ModemManager?). ` +
        `Close it; \`fuser ${path}\` shows who holds it.`,
      opts,
    );
  }
  if (errno === 'EACCES' || errno === 'EPERM' || has(/Permission denied|EACCES/i)) {
    return new SerialError(
      'permission',
      `No permission to open ${path}. Add your user to the dialout group (\`sudo usermod -aG dialout $USER\`, ` +
        'then log in again) or add a udev rule for the adapter.',
      opts,
    );
  }
  if (errno === 'ENOTTY' || has(/Inappropriate ioctl for device|ENOTTY/i)) {
    const what =
      op === 'set' || op === 'get'
        ? 'has no modem control lines (DTR/RTS): DTR/RTS resets cannot go over a pseudo-terminal. ' +
          'Use a USB serial adapter with the auto-reset circuit, or reset the board by hand'
        : 'is not a serial device (no termios support); pick a tty from `hil ports`';
    return new SerialError('unsupported', `${path} ${what} (${raw}).`, opts);
  }
  if (has(/not open|already closed|canceled/i)) {
    return new SerialError('disconnected', `Serial port ${path} is closed (${op}: ${raw}).`, opts);
  }
  return new SerialError('io', `Serial ${op} on ${path} failed: ${raw}.`, opts);
}
