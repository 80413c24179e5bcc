import type { ErrorResponse } from '../messages';
import type { DecodeError } from './types';

/** The `res` a device sends for a request it could not decode (path included when there is one). */
export function toErrorResponse(error: DecodeError): ErrorResponse {
  const body: ErrorResponse['error'] = { code: error.code, msg: error.message };
  if (error.path !== '') body.path = error.path;
  return { t: 'res', id: error.id, ok: false, error: body };
}
