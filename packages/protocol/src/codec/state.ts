// Capabilities and the full state snapshot: the nested parts of `hello` (and of some results).
import { OPS } from '../messages';
import {
  BOOL,
  type Check,
  describe,
  FINITE,
  field,
  IDENT,
  isObject,
  issue,
  join,
  LOG_LEVEL,
  MAX_APP_TEXT_CHARS,
  NAME,
  type Obj,
  OP_NAME,
  PIN,
  POS_INT,
  POS_NUMBER,
  PWM_BITS,
  UINT32,
  UNIT,
} from './checks';
import { arrayOf, recordOf } from './records';
import type { Issue } from './types';

/** freq/bits/duty with duty inside 0..2^bits-1. */
export function validatePwmState(o: Obj, prefix: string): Issue | undefined {
  const bad =
    field(o, 'freq', POS_INT, prefix) ??
    field(o, 'bits', PWM_BITS, prefix) ??
    field(o, 'duty', UINT32, prefix);
  if (bad) return bad;
  const max = 2 ** (o.bits as number) - 1;
  if ((o.duty as number) > max) {
    const p = join(prefix, 'duty');
    return issue(p, `${p}: ${o.duty as number} exceeds 2^bits-1 = ${max}`);
  }
  return undefined;
}

export function validateSensorState(o: Obj, prefix: string): Issue | undefined {
  return field(o, 'raw', UINT32, prefix) ?? field(o, 'value', FINITE, prefix);
}

const boolValue = (v: unknown, p: string): Issue | undefined =>
  BOOL.test(v) ? undefined : issue(p, `${p}: expected ${BOOL.expect}, got ${describe(v)}`);

function objectValue(check: (o: Obj, p: string) => Issue | undefined) {
  return (v: unknown, p: string): Issue | undefined =>
    isObject(v) ? check(v, p) : issue(p, `${p}: expected a JSON object, got ${describe(v)}`);
}

export function validateSnapshot(o: Obj, prefix: string): Issue | undefined {
  return (
    recordOf(o, 'leds', prefix, boolValue) ??
    recordOf(o, 'pwm', prefix, objectValue(validatePwmState)) ??
    recordOf(o, 'buttons', prefix, boolValue) ??
    recordOf(o, 'sensors', prefix, objectValue(validateSensorState)) ??
    field(o, 'logLevel', LOG_LEVEL, prefix)
  );
}

const namePin = (o: Obj, p: string): Issue | undefined =>
  field(o, 'name', NAME, p) ?? field(o, 'pin', PIN, p);

export function validateCapabilities(o: Obj, prefix: string): Issue | undefined {
  return (
    arrayOf(o, 'leds', prefix, namePin) ??
    arrayOf(
      o,
      'pwm',
      prefix,
      (c, p) => namePin(c, p) ?? field(c, 'freq', POS_INT, p) ?? field(c, 'bits', PWM_BITS, p),
    ) ??
    arrayOf(o, 'buttons', prefix, namePin) ??
    arrayOf(
      o,
      'sensors',
      prefix,
      (c, p) => namePin(c, p) ?? field(c, 'unit', UNIT, p) ?? field(c, 'maxHz', POS_NUMBER, p),
    ) ??
    validateOps(o, prefix) ??
    field(o, 'maxClients', POS_INT, prefix) ??
    field(o, 'maxFrame', POS_INT, prefix) ??
    field(o, 'legacyText', BOOL, prefix) ??
    field(o, 'auth', BOOL, prefix)
  );
}

function validateOps(o: Obj, prefix: string): Issue | undefined {
  const path = join(prefix, 'ops');
  const v = o.ops;
  if (!Array.isArray(v)) {
    return issue(
      path,
      `${path}: ${v === undefined ? 'missing; expected' : `got ${describe(v)}, expected`} an array of op names`,
    );
  }
  for (let i = 0; i < v.length; i++) {
    if (!OP_NAME.test(v[i])) {
      return issue(
        `${path}[${i}]`,
        `${path}[${i}]: expected one of ${OPS.join(', ')}, got ${describe(v[i])}`,
      );
    }
  }
  return undefined;
}

/** Identity strings shared by hello and the serial boot line. */
export function validateIdentity(o: Obj, prefix: string): Issue | undefined {
  return (
    field(o, 'fw', IDENT, prefix) ??
    field(o, 'board', IDENT, prefix) ??
    field(o, 'device', IDENT, prefix) ??
    field(o, 'boot', IDENT, prefix) ??
    validateAppIdentity(o, prefix)
  );
}

/** esp_app_desc_t fields: project_name and version are char[32] (31 chars + NUL), app_elf_sha256 32 bytes. */
const APP_TEXT: Check = {
  test: (v) => typeof v === 'string' && v.length >= 1 && v.length <= MAX_APP_TEXT_CHARS,
  expect: `a string of 1-${MAX_APP_TEXT_CHARS} chars`,
};
const SHA256_HEX: Check = {
  test: (v) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v),
  expect: 'a SHA-256 as 64 lowercase hex digits',
};

/** Optional `app` member (PROTOCOL.md §4.1): the identity of the image the device booted. */
function validateAppIdentity(o: Obj, prefix: string): Issue | undefined {
  const app = o.app;
  if (app === undefined) return undefined;
  const path = join(prefix, 'app');
  if (!isObject(app)) return issue(path, `${path}: expected a JSON object, got ${describe(app)}`);
  return (
    field(app, 'project', APP_TEXT, path) ??
    field(app, 'version', APP_TEXT, path) ??
    field(app, 'elfSha256', SHA256_HEX, path)
  );
}
