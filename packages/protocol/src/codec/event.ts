// Unsolicited device events (`t: "evt"`), shared by WebSocket frames and serial machine lines.
import type { EventKind } from '../messages';
import {
  BOOL,
  CAUSE,
  describe,
  FINITE,
  field,
  issue,
  LOG_LEVEL,
  NAME,
  type Obj,
  SEQ,
  STRING,
  UINT32,
} from './checks';
import { validatePwmState } from './state';
import type { Issue } from './types';

type EventCheck = (o: Obj) => Issue | undefined;

export const EVENT_CHECKS: Readonly<Record<EventKind, EventCheck>> = {
  led: (o) => field(o, 'led', NAME, '') ?? field(o, 'on', BOOL, '') ?? field(o, 'by', CAUSE, ''),
  pwm: (o) => field(o, 'ch', NAME, '') ?? validatePwmState(o, '') ?? field(o, 'by', CAUSE, ''),
  button: (o) => field(o, 'button', NAME, '') ?? field(o, 'pressed', BOOL, ''),
  sensor: (o) => field(o, 'sensor', NAME, '') ?? field(o, 'raw', UINT32, '') ?? field(o, 'value', FINITE, ''),
  log: (o) => field(o, 'level', LOG_LEVEL, '') ?? field(o, 'msg', STRING, ''),
};

export const EVENT_KINDS = Object.keys(EVENT_CHECKS) as EventKind[];

const hasOwn = Object.prototype.hasOwnProperty;

/** Checks an object already known to have `t: "evt"`. Problems are bad_param except an unknown `ev` (bad_request). */
export function checkEvent(o: Obj): { code: 'bad_request' | 'bad_param'; issue: Issue } | undefined {
  const seqBad = field(o, 'seq', SEQ, '');
  if (seqBad) return { code: 'bad_param', issue: seqBad };
  const ev = o.ev;
  if (typeof ev !== 'string' || !hasOwn.call(EVENT_CHECKS, ev)) {
    const what = ev === undefined ? 'missing' : `got ${describe(ev)}`;
    return {
      code: 'bad_request',
      issue: issue('ev', `ev: ${what}; expected one of ${EVENT_KINDS.join(', ')}`),
    };
  }
  const bad = EVENT_CHECKS[ev as EventKind](o);
  return bad
    ? { code: 'bad_param', issue: { path: bad.path, message: `evt ${ev}: ${bad.message}` } }
    : undefined;
}
