// Machine lines on the serial console: the JSON after SERIAL_MACHINE_PREFIX. Besides res/evt the device prints
// boot, wifi and ready lines so a host can follow start-up without a WebSocket.
import type { SerialMachineLine } from '../messages';
import { describe, field, IDENT, isObject, nullable, type Obj, oneOf, PORT, POS_INT, SSID } from './checks';
import { validateSharedKind } from './device-message';
import { readObject } from './input';
import { fail, failIssue, ok } from './result';
import { validateIdentity } from './state';
import type { DecodeOptions, DecodeResult, Issue } from './types';

export const SERIAL_LINE_KINDS = ['boot', 'wifi', 'ready', 'res', 'evt'] as const;
export const WIFI_STATUSES = ['connecting', 'connected', 'failed', 'disconnected', 'unprovisioned'] as const;

const WIFI_STATUS = oneOf(WIFI_STATUSES);
const PATH = {
  test: (v: unknown) => typeof v === 'string' && v.startsWith('/'),
  expect: 'a path starting with /',
};
const ADDRESS = {
  test: (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 45,
  expect: 'an IP address',
};
const URL_TEXT = {
  test: (v: unknown) => typeof v === 'string' && v.length >= 1 && v.length <= 256,
  expect: 'a URL',
};

const LINE_CHECKS: Readonly<Record<'boot' | 'wifi' | 'ready', (o: Obj) => Issue | undefined>> = {
  boot: (o) => validateIdentity(o, '') ?? field(o, 'reason', IDENT, ''),
  wifi: (o) =>
    field(o, 'status', WIFI_STATUS, '') ??
    (o.ssid === undefined ? undefined : field(o, 'ssid', SSID, '')) ??
    (o.ip === undefined ? undefined : field(o, 'ip', ADDRESS, '')),
  ready: (o) =>
    field(o, 'ip', nullable(ADDRESS), '') ??
    field(o, 'port', PORT, '') ??
    field(o, 'path', PATH, '') ??
    field(o, 'url', nullable(URL_TEXT), '') ??
    field(o, 'proto', POS_INT, ''),
};

/** Validate an already-parsed value as a SerialMachineLine. Never throws. */
export function validateSerialMachineLine(o: unknown): DecodeResult<SerialMachineLine> {
  if (!isObject(o)) return fail('bad_json', '', `expected a JSON object, got ${describe(o)}`, null);
  const t = o.t;
  const shared = validateSharedKind<SerialMachineLine>(o, t);
  if (shared) return shared;
  if (t === 'boot' || t === 'wifi' || t === 'ready') {
    const bad = LINE_CHECKS[t](o);
    return bad
      ? failIssue('bad_param', { path: bad.path, message: `${t}: ${bad.message}` }, null)
      : ok(o as unknown as SerialMachineLine);
  }
  const what = t === undefined ? 'missing' : `got ${describe(t)}`;
  return fail('bad_request', 't', `t: ${what}; expected one of ${SERIAL_LINE_KINDS.join(', ')}`, null);
}

/** Decode the JSON part of one `@esphil ` serial line (prefix already stripped). Never throws. */
export function decodeSerialMachineLine(
  json: string | Uint8Array,
  opts?: DecodeOptions,
): DecodeResult<SerialMachineLine> {
  const parsed = readObject(json, opts);
  if (!parsed.ok) return parsed;
  return validateSerialMachineLine(parsed.value);
}
