/**
 * Improv Wi-Fi serial, device side: the DUT parses RPC commands from the host and builds its own
 * state/error/result packets. (The host side, which reads these out of noisy console output, is
 * @esphil/protocol's serial framer.) Packet: "IMPROV", version 1, type, length, data, checksum = low byte
 * of the sum of all preceding bytes.
 */
export const IMPROV_MAGIC = 'IMPROV';
export const IMPROV_VERSION = 1;

export const ImprovType = {
  currentState: 0x01,
  errorState: 0x02,
  rpcCommand: 0x03,
  rpcResult: 0x04,
} as const;
export const ImprovState = { ready: 0x02, provisioning: 0x03, provisioned: 0x04 } as const;
export const ImprovErrorCode = {
  none: 0x00,
  invalidRpc: 0x01,
  unknownRpc: 0x02,
  unableToConnect: 0x03,
  unknown: 0xff,
} as const;
export const ImprovCommand = { wifiSettings: 0x01, getState: 0x02, getInfo: 0x03, scan: 0x04 } as const;

export type ImprovRpc =
  | { cmd: 0x01; ssid: string; password: string }
  | { cmd: 0x02 }
  | { cmd: 0x03 }
  | { cmd: 0x04 }
  | { cmd: number; unknown: true };

export type ImprovParse =
  | { ok: true; rpc: ImprovRpc }
  | { ok: false; error: 'checksum' | 'invalid' | 'type' };

export function encodeImprov(type: number, data: readonly number[]): Uint8Array {
  const bytes = [...Buffer.from(IMPROV_MAGIC, 'ascii'), IMPROV_VERSION, type, data.length, ...data];
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  // The device ends each packet with a newline, so line-oriented readers resync.
  return Uint8Array.from([...bytes, sum, 0x0a]);
}

function strBytes(s: string): number[] {
  const b = [...Buffer.from(s, 'utf8')];
  return [b.length, ...b];
}

export function improvState(state: number): Uint8Array {
  return encodeImprov(ImprovType.currentState, [state]);
}
export function improvError(code: number): Uint8Array {
  return encodeImprov(ImprovType.errorState, [code]);
}
export function improvResult(cmd: number, strings: readonly string[]): Uint8Array {
  const body = strings.flatMap(strBytes);
  return encodeImprov(ImprovType.rpcResult, [cmd, body.length, ...body]);
}

/** Parses one complete packet body (type, length, data, checksum) that followed the magic + version. */
export function parseImprovPacket(
  header: readonly number[],
  data: readonly number[],
  checksum: number,
): ImprovParse {
  let sum = 0;
  for (const b of Buffer.from(IMPROV_MAGIC, 'ascii')) sum = (sum + b) & 0xff;
  for (const b of header) sum = (sum + b) & 0xff;
  for (const b of data) sum = (sum + b) & 0xff;
  if (sum !== checksum) return { ok: false, error: 'checksum' };
  if (header[1] !== ImprovType.rpcCommand) return { ok: false, error: 'type' };
  const cmd = data[0];
  const len = data[1];
  if (cmd === undefined || len === undefined || len !== data.length - 2)
    return { ok: false, error: 'invalid' };
  const body = data.slice(2);
  switch (cmd) {
    case ImprovCommand.wifiSettings: {
      const sl = body[0];
      if (sl === undefined || 1 + sl >= body.length) return { ok: false, error: 'invalid' };
      const pl = body[1 + sl];
      if (pl === undefined || 2 + sl + pl !== body.length) return { ok: false, error: 'invalid' };
      const ssid = Buffer.from(body.slice(1, 1 + sl)).toString('utf8');
      const password = Buffer.from(body.slice(2 + sl, 2 + sl + pl)).toString('utf8');
      return { ok: true, rpc: { cmd: 0x01, ssid, password } };
    }
    case ImprovCommand.getState:
    case ImprovCommand.getInfo:
    case ImprovCommand.scan:
      return { ok: true, rpc: { cmd } as ImprovRpc };
    default:
      return { ok: true, rpc: { cmd, unknown: true } };
  }
}

/** Host-side helper for tests and tools: an RPC command packet. */
export function encodeImprovCommand(cmd: number, payload: readonly number[]): Uint8Array {
  return encodeImprov(ImprovType.rpcCommand, [cmd, payload.length, ...payload]).slice(0, -1);
}

export function encodeWifiSettings(ssid: string, password: string): Uint8Array {
  return encodeImprovCommand(ImprovCommand.wifiSettings, [...strBytes(ssid), ...strBytes(password)]);
}
