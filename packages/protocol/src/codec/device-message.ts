// Device -> client WebSocket messages: hello, auth_required, res, evt.
import { type DeviceMessage, PROTOCOL_VERSION } from '../messages';
import { describe, field, isObject, OBJECT, type Obj, POS_INT, UINT32 } from './checks';
import { checkEvent } from './event';
import { readObject } from './input';
import { checkResponse } from './response';
import { fail, failIssue, ok } from './result';
import { validateCapabilities, validateIdentity, validateSnapshot } from './state';
import type { DecodeOptions, DecodeResult, Issue } from './types';

export const DEVICE_MESSAGE_KINDS = ['hello', 'auth_required', 'res', 'evt'] as const;

/** `proto` first: a device speaking another version gets one clear error instead of a field-by-field mismatch. */
function checkProto(o: Obj): Issue | undefined {
  const bad = field(o, 'proto', POS_INT, '');
  if (bad) return bad;
  if (o.proto !== PROTOCOL_VERSION) {
    return {
      path: 'proto',
      message: `proto: device speaks protocol ${o.proto as number}, this codec speaks ${PROTOCOL_VERSION}`,
    };
  }
  return undefined;
}

function checkHello(o: Obj): Issue | undefined {
  const bad = checkProto(o) ?? validateIdentity(o, '') ?? field(o, 'caps', OBJECT, '');
  if (bad) return bad;
  return (
    validateCapabilities(o.caps as Obj, 'caps') ??
    field(o, 'state', OBJECT, '') ??
    validateSnapshot(o.state as Obj, 'state') ??
    field(o, 'seq', UINT32, '')
  );
}

/** Dispatch on `t` for kinds shared with the serial console (res, evt); `undefined` = not one of them. */
export function validateSharedKind<T>(o: Obj, t: unknown): DecodeResult<T> | undefined {
  if (t === 'res') {
    const bad = checkResponse(o);
    return bad ? failIssue('bad_param', prefixed('res', bad.issue), bad.id) : ok(o as T);
  }
  if (t === 'evt') {
    const bad = checkEvent(o);
    return bad ? failIssue(bad.code, bad.issue, null) : ok(o as T);
  }
  return undefined;
}

function prefixed(kind: string, i: Issue): Issue {
  return { path: i.path, message: `${kind}: ${i.message}` };
}

/** Validate an already-parsed value as a DeviceMessage. Never throws. */
export function validateDeviceMessage(o: unknown): DecodeResult<DeviceMessage> {
  if (!isObject(o)) return fail('bad_json', '', `expected a JSON object, got ${describe(o)}`, null);
  const msg = o as Obj;
  const t = msg.t;
  const shared = validateSharedKind<DeviceMessage>(msg, t);
  if (shared) return shared;
  if (t === 'hello') {
    const bad = checkHello(msg);
    return bad ? failIssue('bad_param', prefixed('hello', bad), null) : ok(msg as unknown as DeviceMessage);
  }
  if (t === 'auth_required') {
    const bad = checkProto(msg) ?? field(msg, 'deadlineMs', UINT32, '');
    return bad
      ? failIssue('bad_param', prefixed('auth_required', bad), null)
      : ok(msg as unknown as DeviceMessage);
  }
  const what = t === undefined ? 'missing' : `got ${describe(t)}`;
  return fail('bad_request', 't', `t: ${what}; expected one of ${DEVICE_MESSAGE_KINDS.join(', ')}`, null);
}

/** Decode one frame from a device into a validated DeviceMessage. Never throws. */
export function decodeDeviceMessage(
  input: string | Uint8Array,
  opts?: DecodeOptions,
): DecodeResult<DeviceMessage> {
  const parsed = readObject(input, opts);
  if (!parsed.ok) return parsed;
  return validateDeviceMessage(parsed.value);
}
