/**
 * Structural check for the JSON after SERIAL_MACHINE_PREFIX, used by the framer until the validating codec
 * (decodeSerialMachineLine) is wired in. It checks the envelope only: a JSON object whose `t` names a
 * serial machine line kind, with the fields the serial tools rely on.
 */
import type { ErrorCode, SerialMachineLine } from '../messages';

/** Same shape as the codec's DecodeError, so the framer can switch decoders without changing its items. */
export interface MachineLineError {
  code: ErrorCode;
  path: string;
  message: string;
  id: number | null;
}

export type MachineLineResult =
  | { ok: true; value: SerialMachineLine }
  | { ok: false; error: MachineLineError };

const KINDS = new Set(['boot', 'ready', 'wifi', 'res', 'evt']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function err(code: ErrorCode, path: string, message: string, id: number | null = null): MachineLineResult {
  return { ok: false, error: { code, path, message, id } };
}

export function parseMachineLineJson(json: string): MachineLineResult {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (e) {
    return err('bad_json', '', `not JSON: ${(e as Error).message}`);
  }
  if (!isRecord(value)) return err('bad_json', '', 'a machine line carries one JSON object');
  const t = value.t;
  if (typeof t !== 'string' || !KINDS.has(t)) {
    return err('bad_request', '/t', `"t" must be one of ${[...KINDS].join(', ')}`);
  }
  const id = typeof value.id === 'number' ? value.id : null;
  switch (t) {
    case 'boot':
      for (const key of ['fw', 'board', 'device', 'boot', 'reason']) {
        if (typeof value[key] !== 'string')
          return err('bad_param', `/${key}`, `boot line needs string "${key}"`);
      }
      break;
    case 'ready':
      if (value.ip !== null && typeof value.ip !== 'string')
        return err('bad_param', '/ip', '"ip" is a string or null');
      if (typeof value.port !== 'number') return err('bad_param', '/port', 'ready line needs numeric "port"');
      break;
    case 'wifi':
      if (typeof value.status !== 'string')
        return err('bad_param', '/status', 'wifi line needs string "status"');
      break;
    case 'res':
      if (value.id !== null && typeof value.id !== 'number') {
        return err('bad_param', '/id', 'response "id" is a number or null');
      }
      if (typeof value.ok !== 'boolean') return err('bad_param', '/ok', 'response needs boolean "ok"', id);
      if (value.ok === false && !isRecord(value.error)) {
        return err('bad_param', '/error', 'error response needs an "error" object', id);
      }
      break;
    case 'evt':
      if (typeof value.seq !== 'number') return err('bad_param', '/seq', 'event needs numeric "seq"');
      if (typeof value.ev !== 'string') return err('bad_param', '/ev', 'event needs string "ev"');
      break;
  }
  return { ok: true, value: value as unknown as SerialMachineLine };
}
