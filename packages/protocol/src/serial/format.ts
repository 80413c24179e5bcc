import type { Request, SerialMachineLine } from '../messages';
import { SERIAL_MACHINE_PREFIX } from '../messages';

/**
 * One serial machine line: prefix + compact JSON + CRLF. JSON.stringify escapes CR and LF inside strings,
 * so the result is always exactly one line. Used by devices (and simulators) for boot/ready/response/event
 * lines and by hosts for requests over serial.
 */
export function formatMachineLine(msg: SerialMachineLine | Request): string {
  return `${SERIAL_MACHINE_PREFIX}${JSON.stringify(msg)}\r\n`;
}
