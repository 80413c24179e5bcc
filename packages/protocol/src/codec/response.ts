// Responses (`t: "res"`) and, separately, per-op validation of an ok response's `result`: a response does not
// name its op, so only the client (which knows what it asked) can check the result's shape.
import type { Op, ResultByOp } from '../messages';
import {
  BOOL,
  describe,
  ERROR_CODE,
  FINITE,
  field,
  IDENT,
  isObject,
  isUint32,
  LOG_LEVEL,
  NAME,
  nullable,
  OBJECT,
  type Obj,
  optional,
  POS_NUMBER,
  STRING,
  UINT32,
} from './checks';
import { fail, failIssue, ok } from './result';
import { validateCapabilities, validatePwmState, validateSnapshot } from './state';
import type { DecodeResult, Issue } from './types';

/** Checks an object already known to have `t: "res"`. Returns the issue and the id read so far. */
export function checkResponse(o: Obj): { issue: Issue; id: number | null } | undefined {
  const okFlag = o.ok;
  if (okFlag === true) {
    const bad = field(o, 'id', UINT32, '');
    if (bad) return { issue: bad, id: null };
    const id = o.id as number;
    const rbad = field(o, 'result', OBJECT, '');
    return rbad ? { issue: rbad, id } : undefined;
  }
  if (okFlag === false) {
    const bad = field(o, 'id', nullable(UINT32), '');
    if (bad) return { issue: bad, id: null };
    const id = o.id as number | null;
    const e = o.error;
    if (!isObject(e)) {
      return { issue: field(o, 'error', OBJECT, '') ?? { path: 'error', message: 'error: invalid' }, id };
    }
    const ebad =
      field(e, 'code', ERROR_CODE, 'error') ??
      field(e, 'msg', STRING, 'error') ??
      optional(e, 'path', STRING, 'error');
    return ebad ? { issue: ebad, id } : undefined;
  }
  return {
    issue: {
      path: 'ok',
      message:
        okFlag === undefined
          ? 'ok: missing; expected true or false'
          : `ok: expected true or false, got ${describe(okFlag)}`,
    },
    id: isUint32(o.id) ? o.id : null,
  };
}

type ResultCheck = (o: Obj) => Issue | undefined;

const pwmResult: ResultCheck = (o) => field(o, 'ch', NAME, '') ?? validatePwmState(o, '');

export const RESULT_CHECKS: Readonly<Record<Op, ResultCheck>> = {
  ping: (o) => optional(o, 'ts', FINITE, '') ?? field(o, 'uptimeMs', UINT32, ''),
  info: (o) =>
    field(o, 'fw', IDENT, '') ??
    field(o, 'board', IDENT, '') ??
    field(o, 'device', IDENT, '') ??
    field(o, 'boot', IDENT, '') ??
    field(o, 'uptimeMs', UINT32, '') ??
    field(o, 'heapFree', UINT32, '') ??
    field(o, 'rssi', nullable(FINITE), '') ??
    field(o, 'ip', nullable(STRING), '') ??
    field(o, 'clients', UINT32, ''),
  'state.get': (o) => validateSnapshot(o, ''),
  'led.set': (o) => field(o, 'led', NAME, '') ?? field(o, 'on', BOOL, ''),
  'led.toggle': (o) => field(o, 'led', NAME, '') ?? field(o, 'on', BOOL, ''),
  'pwm.set': pwmResult,
  'pwm.config': pwmResult,
  'sensor.subscribe': (o) => field(o, 'sensor', NAME, '') ?? field(o, 'hz', POS_NUMBER, ''),
  'sensor.unsubscribe': (o) => field(o, 'sensor', NAME, ''),
  reboot: (o) => field(o, 'inMs', UINT32, ''),
  'log.level': (o) => field(o, 'level', LOG_LEVEL, ''),
  auth: () => undefined,
  'config.set': (o) => {
    const bad = field(o, 'caps', OBJECT, '');
    if (bad) return bad;
    return validateCapabilities(o.caps as Obj, 'caps') ?? field(o, 'rebootInMs', UINT32, '');
  },
  'config.get': (o) => field(o, 'config', OBJECT, ''),
};

/**
 * Validate the `result` of an ok response against the op the client sent. Paths are prefixed with `result`.
 * Never throws; an unknown op is `unknown_op`.
 */
export function decodeResult<O extends Op>(
  op: O,
  result: unknown,
  id: number | null = null,
): DecodeResult<ResultByOp[O]> {
  const check = Object.hasOwn(RESULT_CHECKS, op) ? RESULT_CHECKS[op] : undefined;
  if (!check) return fail('unknown_op', 'op', `op: unknown op ${describe(op)}`, id);
  if (!isObject(result))
    return fail('bad_param', 'result', `result: expected a JSON object, got ${describe(result)}`, id);
  const bad = check(result);
  if (bad) {
    const path = bad.path === '' ? 'result' : `result.${bad.path}`;
    return failIssue('bad_param', { path, message: `${op} result: ${path}: ${stripPath(bad)}` }, id);
  }
  return ok(result as ResultByOp[O]);
}

function stripPath(i: Issue): string {
  const p = `${i.path}: `;
  return i.message.startsWith(p) ? i.message.slice(p.length) : i.message;
}
