// The client decodes with the protocol package's validating codec (one definition of "valid" for every side).
export type { DecodeError, DecodeResult } from '@esphil/protocol';
export { decodeDeviceMessage, decodeResult, encodeMessage } from '@esphil/protocol';
