/**
 * Improv Wi-Fi serial packets (https://www.improv-wifi.com/serial/):
 *   "IMPROV" | version (1) | type | length | data[length] | checksum
 * checksum = low byte of the sum of every preceding byte (magic included).
 * Serial RPC data carries no inner checksum (unlike Improv over BLE).
 */

/** ASCII "IMPROV". */
export const IMPROV_MAGIC: readonly number[] = [0x49, 0x4d, 0x50, 0x52, 0x4f, 0x56];
export const IMPROV_VERSION = 1;
/** Magic + version + type + length. */
export const IMPROV_HEADER_BYTES = 9;
/** The length field is one byte. */
export const IMPROV_MAX_DATA_BYTES = 255;

export const ImprovPacketType = {
  current_state: 0x01,
  error_state: 0x02,
  rpc_command: 0x03,
  rpc_result: 0x04,
} as const;
export type ImprovPacketTypeName = keyof typeof ImprovPacketType;

export const ImprovState = {
  /** BLE only; listed so a decoder can name it. */
  authorization_required: 0x01,
  ready: 0x02,
  provisioning: 0x03,
  provisioned: 0x04,
} as const;
export type ImprovStateName = keyof typeof ImprovState;

export const ImprovError = {
  none: 0x00,
  invalid_rpc: 0x01,
  unknown_rpc: 0x02,
  unable_to_connect: 0x03,
  /** BLE only. */
  not_authorized: 0x04,
  unknown: 0xff,
} as const;
export type ImprovErrorName = keyof typeof ImprovError;

export const ImprovCommand = {
  wifi_settings: 0x01,
  get_state: 0x02,
  get_info: 0x03,
  get_networks: 0x04,
} as const;
export type ImprovCommandName = keyof typeof ImprovCommand;

export type ImprovRpcCommand =
  | { command: 'wifi_settings'; ssid: string; password: string }
  | { command: 'get_state' }
  | { command: 'get_info' }
  | { command: 'get_networks' }
  /** A command this library has no name for (newer spec revisions): payload kept as bytes. */
  | { command: 'other'; code: number; data: Uint8Array };

/**
 * Decoded packet. Unknown state/error/command bytes stay numbers so nothing is lost and a newer
 * device does not break an older host.
 */
export type ImprovPacket =
  | { type: 'current_state'; state: ImprovStateName | number }
  | { type: 'error_state'; error: ImprovErrorName | number }
  | { type: 'rpc_command'; rpc: ImprovRpcCommand }
  /**
   * Answer to `command`. wifi_settings: the URLs where the device is now reachable (may be empty);
   * get_info: firmware name, firmware version, chip, device name; get_networks: one packet per network
   * (ssid, rssi, "YES"/"NO" auth) and a final empty one.
   */
  | { type: 'rpc_result'; command: ImprovCommandName | number; strings: string[] };

export type ImprovDecodeErrorCode =
  | 'too_short'
  | 'bad_magic'
  | 'bad_version'
  | 'bad_length'
  | 'bad_checksum'
  | 'unknown_type'
  | 'bad_payload';

export interface ImprovDecodeError {
  code: ImprovDecodeErrorCode;
  message: string;
}

export type ImprovDecodeResult = { ok: true; packet: ImprovPacket } | { ok: false; error: ImprovDecodeError };

export type ImprovEncodeErrorCode = 'too_long' | 'bad_value';

/** Thrown by the encoders for inputs that cannot be put on the wire (a programming or user-input error). */
export class ImprovEncodeError extends Error {
  readonly code: ImprovEncodeErrorCode;
  constructor(code: ImprovEncodeErrorCode, message: string) {
    super(message);
    this.name = 'ImprovEncodeError';
    this.code = code;
  }
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function nameOf<T extends Record<string, number>>(table: T, code: number): (keyof T & string) | number {
  for (const [name, value] of Object.entries(table)) if (value === code) return name as keyof T & string;
  return code;
}

function codeOf<T extends Record<string, number>>(table: T, value: string | number, what: string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) {
      throw new ImprovEncodeError('bad_value', `${what} ${value} is not a byte (0..255)`);
    }
    return value;
  }
  const code = table[value];
  if (code === undefined) throw new ImprovEncodeError('bad_value', `unknown ${what} "${value}"`);
  return code;
}

export function improvChecksum(bytes: Uint8Array, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum = (sum + (bytes[i] ?? 0)) & 0xff;
  return sum;
}

/** Frames raw packet data: magic, version, type, length, data, checksum. */
export function encodeImprovFrame(type: number, data: Uint8Array): Uint8Array {
  if (data.length > IMPROV_MAX_DATA_BYTES) {
    throw new ImprovEncodeError(
      'too_long',
      `Improv packet data is ${data.length} bytes; the length field allows ${IMPROV_MAX_DATA_BYTES}`,
    );
  }
  const out = new Uint8Array(IMPROV_HEADER_BYTES + data.length + 1);
  out.set(IMPROV_MAGIC, 0);
  out[6] = IMPROV_VERSION;
  out[7] = type & 0xff;
  out[8] = data.length;
  out.set(data, IMPROV_HEADER_BYTES);
  out[out.length - 1] = improvChecksum(out, out.length - 1);
  return out;
}

/** Length-prefixed UTF-8 strings, as used by RPC payloads. */
function encodeStrings(strings: readonly string[], what: string): number[] {
  const out: number[] = [];
  for (const s of strings) {
    const bytes = utf8.encode(s);
    if (bytes.length > 255) {
      throw new ImprovEncodeError('too_long', `${what} is ${bytes.length} bytes of UTF-8; at most 255 fit`);
    }
    out.push(bytes.length, ...bytes);
  }
  return out;
}

function encodeRpcData(code: number, payload: readonly number[]): Uint8Array {
  if (payload.length > IMPROV_MAX_DATA_BYTES - 2) {
    throw new ImprovEncodeError(
      'too_long',
      `Improv RPC payload is ${payload.length} bytes; at most ${IMPROV_MAX_DATA_BYTES - 2} fit in one packet`,
    );
  }
  return Uint8Array.from([code, payload.length, ...payload]);
}

function encodeRpcCommand(rpc: ImprovRpcCommand): Uint8Array {
  switch (rpc.command) {
    case 'wifi_settings': {
      // Never echo the password in an error message.
      const ssid = encodeStrings([rpc.ssid], 'SSID');
      const password = encodeStrings([rpc.password], 'Wi-Fi password');
      return encodeRpcData(ImprovCommand.wifi_settings, [...ssid, ...password]);
    }
    case 'get_state':
    case 'get_info':
    case 'get_networks':
      return encodeRpcData(ImprovCommand[rpc.command], []);
    case 'other':
      return encodeRpcData(codeOf({}, rpc.code, 'RPC command'), [...rpc.data]);
  }
}

/** Encodes a packet to its wire bytes. Throws ImprovEncodeError when a field does not fit. */
export function encodeImprovPacket(packet: ImprovPacket): Uint8Array {
  switch (packet.type) {
    case 'current_state':
      return encodeImprovFrame(
        ImprovPacketType.current_state,
        Uint8Array.of(codeOf(ImprovState, packet.state, 'Improv state')),
      );
    case 'error_state':
      return encodeImprovFrame(
        ImprovPacketType.error_state,
        Uint8Array.of(codeOf(ImprovError, packet.error, 'Improv error')),
      );
    case 'rpc_command':
      return encodeImprovFrame(ImprovPacketType.rpc_command, encodeRpcCommand(packet.rpc));
    case 'rpc_result':
      return encodeImprovFrame(
        ImprovPacketType.rpc_result,
        encodeRpcData(
          codeOf(ImprovCommand, packet.command, 'RPC command'),
          encodeStrings(packet.strings, 'RPC result string'),
        ),
      );
  }
}

function fail(code: ImprovDecodeErrorCode, message: string): ImprovDecodeResult {
  return { ok: false, error: { code, message } };
}

type StringsResult = { ok: true; strings: string[] } | { ok: false; message: string };

function decodeStrings(bytes: Uint8Array): StringsResult {
  const strings: string[] = [];
  let i = 0;
  while (i < bytes.length) {
    const len = bytes[i] ?? 0;
    if (i + 1 + len > bytes.length) {
      return {
        ok: false,
        message: `string at offset ${i} claims ${len} bytes, only ${bytes.length - i - 1} left`,
      };
    }
    try {
      strings.push(utf8Decoder.decode(bytes.subarray(i + 1, i + 1 + len)));
    } catch {
      return { ok: false, message: `string at offset ${i} is not valid UTF-8` };
    }
    i += 1 + len;
  }
  return { ok: true, strings };
}

function decodeRpc(type: 'rpc_command' | 'rpc_result', data: Uint8Array): ImprovDecodeResult {
  if (data.length < 2) return fail('bad_payload', `${type} data needs a command and a length byte`);
  const code = data[0] ?? 0;
  const len = data[1] ?? 0;
  if (len !== data.length - 2) {
    return fail('bad_payload', `${type} says ${len} payload bytes, packet carries ${data.length - 2}`);
  }
  const payload = data.subarray(2);
  const command = nameOf(ImprovCommand, code);
  if (type === 'rpc_result') {
    const strings = decodeStrings(payload);
    if (!strings.ok) return fail('bad_payload', `rpc_result: ${strings.message}`);
    return { ok: true, packet: { type, command, strings: strings.strings } };
  }
  switch (command) {
    case 'wifi_settings': {
      const strings = decodeStrings(payload);
      if (!strings.ok) return fail('bad_payload', `wifi_settings: ${strings.message}`);
      const [ssid, password] = strings.strings;
      if (strings.strings.length !== 2 || ssid === undefined || password === undefined) {
        return fail(
          'bad_payload',
          `wifi_settings carries ${strings.strings.length} strings, expected ssid and password`,
        );
      }
      return { ok: true, packet: { type, rpc: { command, ssid, password } } };
    }
    case 'get_state':
    case 'get_info':
    case 'get_networks':
      if (payload.length !== 0)
        return fail('bad_payload', `${command} takes no payload, got ${payload.length} bytes`);
      return { ok: true, packet: { type, rpc: { command } } };
    default:
      return { ok: true, packet: { type, rpc: { command: 'other', code, data: payload.slice() } } };
  }
}

/** Decodes one complete packet (magic through checksum, nothing after). Never throws. */
export function decodeImprovPacket(bytes: Uint8Array): ImprovDecodeResult {
  if (bytes.length < IMPROV_HEADER_BYTES + 1) {
    return fail(
      'too_short',
      `${bytes.length} bytes; an Improv packet has at least ${IMPROV_HEADER_BYTES + 1}`,
    );
  }
  for (let i = 0; i < IMPROV_MAGIC.length; i++) {
    if (bytes[i] !== IMPROV_MAGIC[i]) return fail('bad_magic', 'packet does not start with "IMPROV"');
  }
  const version = bytes[6] ?? 0;
  if (version !== IMPROV_VERSION) {
    return fail('bad_version', `Improv version ${version}; this library speaks version ${IMPROV_VERSION}`);
  }
  const typeCode = bytes[7] ?? 0;
  const len = bytes[8] ?? 0;
  if (bytes.length !== IMPROV_HEADER_BYTES + len + 1) {
    return fail(
      'bad_length',
      `length byte says ${len} data bytes, packet has ${bytes.length - IMPROV_HEADER_BYTES - 1}`,
    );
  }
  const expected = improvChecksum(bytes, bytes.length - 1);
  const actual = bytes[bytes.length - 1] ?? 0;
  if (expected !== actual) {
    return fail('bad_checksum', `checksum 0x${hex(actual)}, expected 0x${hex(expected)}`);
  }
  const data = bytes.subarray(IMPROV_HEADER_BYTES, IMPROV_HEADER_BYTES + len);
  const type = nameOf(ImprovPacketType, typeCode);
  switch (type) {
    case 'current_state':
      if (data.length !== 1)
        return fail('bad_payload', `current_state carries ${data.length} bytes, expected 1`);
      return { ok: true, packet: { type, state: nameOf(ImprovState, data[0] ?? 0) } };
    case 'error_state':
      if (data.length !== 1)
        return fail('bad_payload', `error_state carries ${data.length} bytes, expected 1`);
      return { ok: true, packet: { type, error: nameOf(ImprovError, data[0] ?? 0) } };
    case 'rpc_command':
    case 'rpc_result':
      return decodeRpc(type, data);
    default:
      return fail('unknown_type', `unknown Improv packet type 0x${hex(typeCode)}`);
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** A copy safe to log: the Wi-Fi password replaced. */
export function redactImprovPacket(packet: ImprovPacket): ImprovPacket {
  if (packet.type === 'rpc_command' && packet.rpc.command === 'wifi_settings') {
    return { type: 'rpc_command', rpc: { ...packet.rpc, password: '***' } };
  }
  return packet;
}
