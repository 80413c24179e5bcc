export {
  MAX_CAUSE_CHARS,
  MAX_IDENT_CHARS,
  MAX_PIN,
  MAX_PWM_BITS,
  MAX_SSID_CHARS,
  MAX_TOKEN_CHARS,
  MAX_UNIT_CHARS,
} from './checks';
export { hasEsphilMarker, startsJsonObject, targetPath, withEsphilMarker } from './connection';
export { DEVICE_MESSAGE_KINDS, decodeDeviceMessage, validateDeviceMessage } from './device-message';
export { encodeMessage } from './encode';
export { toErrorResponse } from './error-response';
export { EVENT_KINDS } from './event';
export { isLegacyText } from './legacy';
export { decodeRequest, validateRequest } from './request';
export { decodeResult } from './response';
export {
  decodeSerialMachineLine,
  SERIAL_LINE_KINDS,
  validateSerialMachineLine,
  WIFI_STATUSES,
} from './serial-line';
export type { DecodeError, DecodeOptions, DecodeResult } from './types';
