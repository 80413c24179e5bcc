/**
 * Waiting for a native-USB board's port to come back. A chip that talks USB itself (ESP32-S3/C3 USB-Serial/JTAG)
 * leaves the bus when it resets: the port path disappears and the OS re-creates it a moment later. esptool retries
 * opening it, 0.5 s apart (esptool v5.1.0 reset.py:44-63, esptool-facts.md "Native USB"); here the wait is bounded
 * by a deadline instead of a try count, because a USB hub can take seconds to re-enumerate.
 */
import { SerialError, toSerialError } from '../errors';

/** Default bound on the wait for the port to come back (ours: esptool gives up after ~1 s of retries). */
export const DEFAULT_REENUMERATE_TIMEOUT_MS = 5_000;
/** Pause between tries (esptool reset.py:63 sleeps 0.5 s). */
export const REOPEN_POLL_MS = 500;

export interface ReopenOptions {
  /** Give up after this long. Default DEFAULT_REENUMERATE_TIMEOUT_MS; at most 60 s. */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Default setTimeout (fake timers control it). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_REENUMERATE_TIMEOUT_MS = 60_000;
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Errors that mean "the device is not there (yet)": worth another try. */
export function isGoneError(err: SerialError): boolean {
  return err.code === 'port_missing' || err.code === 'disconnected';
}

/**
 * Calls `open` until it succeeds, while it fails because the port is missing. Any other failure is thrown at
 * once; running past the deadline throws SerialError 'port_missing' saying how long it waited.
 */
export async function reopenWhenBack<T>(
  path: string,
  open: () => Promise<T>,
  opts: ReopenOptions = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REENUMERATE_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_REENUMERATE_TIMEOUT_MS) {
    throw new SerialError(
      'unsupported',
      `reenumerateTimeoutMs ${timeoutMs} is out of range: use 0..${MAX_REENUMERATE_TIMEOUT_MS}`,
      { path },
    );
  }
  const pollMs = Math.max(1, opts.pollMs ?? REOPEN_POLL_MS);
  const sleep = opts.sleep ?? defaultSleep;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (opts.signal?.aborted) throw new SerialError('timeout', `waiting for ${path} was aborted`, { path });
    try {
      return await open();
    } catch (raw) {
      const err = toSerialError(raw, 'open', path);
      if (!isGoneError(err)) throw err;
      if (Date.now() + pollMs > deadline) {
        throw new SerialError(
          'port_missing',
          `${path} did not come back within ${timeoutMs} ms after the reset (a native-USB board leaves the bus ` +
            `while it resets). Check the cable and \`hil ports\`; give a slow USB hub more time ` +
            '(reenumerateTimeoutMs).',
          { path, cause: err },
        );
      }
      await sleep(pollMs);
    }
  }
}
