// Shared by the library candidates: turning a library's issue path into our DecodeError. Only the benchmark
// and its agreement test use these; the package itself ships the hand-written validators.

import { isUint32 } from '../../codec/checks';
import type { DecodeResult } from '../../codec/types';
import type { ErrorCode } from '../../messages';

export type Key = string | number;

export function formatPath(keys: readonly Key[]): string {
  let out = '';
  for (const k of keys) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (/^[a-z][a-z0-9_-]{0,15}$/i.test(k)) out += out === '' ? k : `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/** Code for a failed request, from where the first issue is. */
export function requestFailure(
  o: Record<string, unknown>,
  keys: readonly Key[],
  message: string,
): DecodeResult<never> {
  const id = isUint32(o.id) ? o.id : null;
  const first = keys[0];
  let code: ErrorCode = 'bad_param';
  if (first === 'id') code = 'bad_request';
  else if (first === 'op') code = typeof o.op === 'string' ? 'unknown_op' : 'bad_request';
  return { ok: false, error: { code, path: formatPath(keys), message, id: first === 'id' ? null : id } };
}

export function deviceFailure(
  o: Record<string, unknown>,
  keys: readonly Key[],
  message: string,
): DecodeResult<never> {
  const first = keys[0];
  const code: ErrorCode = first === 't' || (first === 'ev' && o.t === 'evt') ? 'bad_request' : 'bad_param';
  const id = o.t === 'res' && isUint32(o.id) ? o.id : null;
  return { ok: false, error: { code, path: formatPath(keys), message, id } };
}
