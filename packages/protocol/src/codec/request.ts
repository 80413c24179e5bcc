// Client -> device requests: `id` + `op` + the op's flat parameters. Unknown extra members are ignored (and kept
// in the value) so a newer client's optional fields do not break an older device.
import type { Op, Request } from '../messages';
import {
  BOOL,
  describe,
  FINITE,
  FRACTION,
  field,
  issue,
  isUint32,
  LOG_LEVEL,
  NAME,
  OBJECT,
  type Obj,
  optional,
  POS_INT,
  POS_NUMBER,
  TOKEN,
  UINT32,
} from './checks';
import { fail, failIssue, ok } from './result';
import { readRequestObject } from './shape';
import type { DecodeOptions, DecodeResult, Issue } from './types';

type ParamCheck = (o: Obj) => Issue | undefined;

const none: ParamCheck = () => undefined;

function pwmSet(o: Obj): Issue | undefined {
  const bad = field(o, 'ch', NAME, '');
  if (bad) return bad;
  const hasDuty = o.duty !== undefined;
  const hasRaw = o.raw !== undefined;
  if (hasDuty && hasRaw) {
    return issue('raw', 'raw: give exactly one of duty (fraction 0..1) or raw (counts), not both');
  }
  if (hasDuty) return field(o, 'duty', FRACTION, '');
  if (hasRaw) return field(o, 'raw', UINT32, '');
  return issue('duty', 'duty: missing; give duty (fraction 0..1) or raw (counts 0..2^bits-1)');
}

/** Parameter validation per op, in the order the fields are checked (the first problem is reported). */
export const PARAM_CHECKS: Readonly<Record<Op, ParamCheck>> = {
  ping: (o) => optional(o, 'ts', FINITE, ''),
  info: none,
  'state.get': none,
  'led.set': (o) => field(o, 'led', NAME, '') ?? field(o, 'on', BOOL, ''),
  'led.toggle': (o) => field(o, 'led', NAME, ''),
  'pwm.set': pwmSet,
  'pwm.config': (o) =>
    field(o, 'ch', NAME, '') ?? field(o, 'freq', POS_INT, '') ?? field(o, 'bits', POS_INT, ''),
  'sensor.subscribe': (o) => field(o, 'sensor', NAME, '') ?? field(o, 'hz', POS_NUMBER, ''),
  'sensor.unsubscribe': (o) => field(o, 'sensor', NAME, ''),
  reboot: none,
  'log.level': (o) => field(o, 'level', LOG_LEVEL, ''),
  auth: (o) => field(o, 'token', TOKEN, ''),
  'config.set': (o) => field(o, 'config', OBJECT, ''),
  'config.get': none,
};

const hasOwn = Object.prototype.hasOwnProperty;

/** Validate an already-parsed value as a Request. Never throws. */
export function validateRequest(o: unknown): DecodeResult<Request> {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    return fail('bad_json', '', `expected a JSON object, got ${describe(o)}`, null);
  }
  const msg = o as Obj;
  const rawId = msg.id;
  const id = isUint32(rawId) ? rawId : null;
  if (id === null) {
    const what = rawId === undefined ? 'missing' : `got ${describe(rawId)}`;
    return fail(
      'bad_request',
      'id',
      `id: ${what}; every request needs an id, an integer 0..4294967295`,
      null,
    );
  }
  const op = msg.op;
  if (typeof op !== 'string') {
    const what = op === undefined ? 'missing' : `got ${describe(op)}`;
    return fail('bad_request', 'op', `op: ${what}; every request needs an op name (a string)`, id);
  }
  if (!hasOwn.call(PARAM_CHECKS, op)) {
    return fail('unknown_op', 'op', `op: unknown op ${describe(op)}`, id);
  }
  const bad = PARAM_CHECKS[op as Op](msg);
  if (bad) return failIssue('bad_param', { path: bad.path, message: `${op}: ${bad.message}` }, id);
  return ok(msg as unknown as Request);
}

/** Decode one frame / serial request line (text or bytes) into a validated Request. Never throws. */
export function decodeRequest(input: string | Uint8Array, opts?: DecodeOptions): DecodeResult<Request> {
  const parsed = readRequestObject(input, opts);
  if (!parsed.ok) return parsed;
  return validateRequest(parsed.value);
}
