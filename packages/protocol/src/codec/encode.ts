import type { DeviceMessage, Request, SerialMachineLine } from '../messages';

/**
 * One message -> one compact JSON text (no whitespace, members in the object's own order, absent optionals
 * omitted). Encoding does not validate: senders build messages from typed values; receivers validate.
 */
export function encodeMessage(msg: DeviceMessage | Request | SerialMachineLine): string {
  return JSON.stringify(msg);
}
