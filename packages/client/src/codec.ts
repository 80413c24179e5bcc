// Thin adapter with the names @esphil/protocol will provide; replaced by a re-export once the protocol branch lands.
import type { DeviceMessage, ErrorCode, Request } from '@esphil/protocol';

export interface DecodeError {
  code: ErrorCode;
  path: string;
  message: string;
  id: number | null;
}
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

const DEVICE_KINDS = new Set(['hello', 'auth_required', 'res', 'evt']);
const EVENT_KINDS = new Set(['led', 'pwm', 'button', 'sensor', 'log']);

function fail(code: ErrorCode, path: string, message: string): { ok: false; error: DecodeError } {
  return { ok: false, error: { code, path, message, id: null } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function decodeDeviceMessage(
  input: string | Uint8Array,
  opts: { maxBytes?: number } = {},
): DecodeResult<DeviceMessage> {
  const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
  if (opts.maxBytes !== undefined && text.length > opts.maxBytes) {
    return fail('too_large', '', `message of ${text.length} chars exceeds ${opts.maxBytes}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return fail('bad_json', '', `not JSON: ${(err as Error).message}`);
  }
  if (!isRecord(parsed)) return fail('bad_json', '', 'not a JSON object');
  const t = parsed.t;
  if (typeof t !== 'string' || !DEVICE_KINDS.has(t))
    return fail('bad_request', '/t', `unknown message kind ${JSON.stringify(t)}`);
  if (t === 'hello') {
    if (typeof parsed.boot !== 'string') return fail('bad_request', '/boot', 'hello without boot');
    if (typeof parsed.seq !== 'number') return fail('bad_request', '/seq', 'hello without seq');
    if (!isRecord(parsed.caps)) return fail('bad_request', '/caps', 'hello without caps');
    if (!isRecord(parsed.state)) return fail('bad_request', '/state', 'hello without state');
  } else if (t === 'res') {
    if (typeof parsed.ok !== 'boolean') return fail('bad_request', '/ok', 'res without ok');
    if (!(typeof parsed.id === 'number' || (parsed.ok === false && parsed.id === null))) {
      return fail('bad_request', '/id', 'res without a numeric id');
    }
    if (parsed.ok === false && !(isRecord(parsed.error) && typeof parsed.error.code === 'string')) {
      return fail('bad_request', '/error', 'error res without error.code');
    }
  } else if (t === 'evt') {
    if (typeof parsed.seq !== 'number') return fail('bad_request', '/seq', 'evt without seq');
    if (typeof parsed.ev !== 'string' || !EVENT_KINDS.has(parsed.ev)) {
      return fail('bad_request', '/ev', `unknown event ${JSON.stringify(parsed.ev)}`);
    }
  }
  return { ok: true, value: parsed as unknown as DeviceMessage };
}

export function encodeMessage(msg: DeviceMessage | Request): string {
  return JSON.stringify(msg);
}
