import type { ErrorCode, ErrorResponse, OkResponse, Op, Request, ResultByOp } from '@esphil/protocol';
import type { Origin } from './types';

/** Request ids are uint32 on the wire. */
export const MAX_REQUEST_ID = 0xffff_ffff;

export function requestId(request: unknown): number | null {
  if (typeof request !== 'object' || request === null) return null;
  const id = (request as { id?: unknown }).id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= MAX_REQUEST_ID ? id : null;
}

export function ok<O extends Op>(request: Request, _op: O, result: ResultByOp[O]): OkResponse<O> {
  // step() refuses requests without a valid id before any op runs.
  return { t: 'res', id: requestId(request) ?? 0, ok: true, result };
}

export function fail(request: unknown, code: ErrorCode, msg: string): ErrorResponse {
  return { t: 'res', id: requestId(request), ok: false, error: { code, msg } };
}

/** The `by` of events: who caused the change. */
export function causeOf(from: Origin): string {
  if (from.kind === 'serial') return 'serial';
  return from.legacy ? `legacy:${from.client}` : `ws:${from.client}`;
}
