// Field checks shared by every validator. A Check is a predicate plus the words for what it expects, so one
// helper (`field`) produces uniform messages: `<path>: expected <expect>, got <what arrived>`.
import { ERROR_CODES, LOG_LEVELS, OPS } from '../messages';
import type { Issue } from './types';

export type Obj = Record<string, unknown>;

export interface Check {
  test(v: unknown): boolean;
  expect: string;
}

const UINT32_MAX = 0xffff_ffff;
/** Limits for free-form strings in device messages; a device never needs more, a hostile peer gets a clear error. */
export const MAX_IDENT_CHARS = 64;
/** esp_app_desc_t project_name / version: char[32] with the NUL. */
export const MAX_APP_TEXT_CHARS = 31;
export const MAX_TOKEN_CHARS = 64;
export const MAX_UNIT_CHARS = 16;
export const MAX_CAUSE_CHARS = 32;
export const MAX_SSID_CHARS = 32;
/** GPIO numbers are small; anything past this is a typo or garbage. */
export const MAX_PIN = 255;
/** 2^bits must stay an exact integer for the duty range check. */
export const MAX_PWM_BITS = 32;

const NAME_RE = /^[a-z][a-z0-9_-]{0,15}$/;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= UINT32_MAX;
}

export function isName(v: unknown): v is string {
  return typeof v === 'string' && NAME_RE.test(v);
}

const stringUpTo = (min: number, max: number): ((v: unknown) => boolean) => {
  return (v) => typeof v === 'string' && v.length >= min && v.length <= max;
};

export const UINT32: Check = { test: isUint32, expect: 'an integer 0..4294967295' };
export const POS_INT: Check = {
  test: (v) => isUint32(v) && v > 0,
  expect: 'a positive integer (1..4294967295)',
};
export const SEQ: Check = POS_INT;
export const PIN: Check = {
  test: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_PIN,
  expect: `a GPIO number 0..${MAX_PIN}`,
};
export const PWM_BITS: Check = {
  test: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_PWM_BITS,
  expect: `a resolution in bits 1..${MAX_PWM_BITS}`,
};
export const PORT: Check = {
  test: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535,
  expect: 'a TCP port 1..65535',
};
export const NAME: Check = {
  test: isName,
  expect: 'a name of 1-16 chars [a-z0-9_-] starting with a letter a-z',
};
export const BOOL: Check = { test: (v) => typeof v === 'boolean', expect: 'true or false' };
export const FRACTION: Check = {
  test: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  expect: 'a fraction 0..1',
};
export const FINITE: Check = {
  test: (v) => typeof v === 'number' && Number.isFinite(v),
  expect: 'a finite number',
};
export const POS_NUMBER: Check = {
  test: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
  expect: 'a finite number > 0',
};
export const LOG_LEVEL: Check = {
  test: (v) => typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v),
  expect: `one of ${LOG_LEVELS.map((l) => `"${l}"`).join(', ')}`,
};
export const OP_NAME: Check = {
  test: (v) => typeof v === 'string' && (OPS as readonly string[]).includes(v),
  expect: 'a known op name',
};
export const ERROR_CODE: Check = {
  test: (v) => typeof v === 'string' && (ERROR_CODES as readonly string[]).includes(v),
  expect: 'a known error code',
};
export const TOKEN: Check = {
  test: stringUpTo(0, MAX_TOKEN_CHARS),
  expect: `a string of at most ${MAX_TOKEN_CHARS} chars`,
};
export const IDENT: Check = {
  test: stringUpTo(1, MAX_IDENT_CHARS),
  expect: `a string of 1-${MAX_IDENT_CHARS} chars`,
};
export const UNIT: Check = {
  test: stringUpTo(0, MAX_UNIT_CHARS),
  expect: `a string of at most ${MAX_UNIT_CHARS} chars`,
};
export const CAUSE: Check = {
  test: stringUpTo(1, MAX_CAUSE_CHARS),
  expect: `a string of 1-${MAX_CAUSE_CHARS} chars (ws:<slot>, serial, legacy:<slot>, local, boot)`,
};
export const SSID: Check = {
  test: stringUpTo(0, MAX_SSID_CHARS),
  expect: `a string of at most ${MAX_SSID_CHARS} chars`,
};
export const STRING: Check = { test: (v) => typeof v === 'string', expect: 'a string' };
export const OBJECT: Check = { test: isObject, expect: 'a JSON object' };

export function nullable(check: Check): Check {
  return { test: (v) => v === null || check.test(v), expect: `${check.expect} or null` };
}

export function oneOf(values: readonly string[]): Check {
  return {
    test: (v) => typeof v === 'string' && values.includes(v),
    expect: `one of ${values.map((s) => `"${s}"`).join(', ')}`,
  };
}

/** A short, safe description of an unexpected value for error messages (never echoes a long string whole). */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  switch (typeof v) {
    case 'string':
      return v.length <= 24 ? `string ${JSON.stringify(v)}` : `a string of ${v.length} chars`;
    case 'number':
      return `number ${String(v)}`;
    case 'boolean':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

export function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}

/** Path segment for a record key that may itself be invalid (so it cannot be written dotted). */
export function joinKey(prefix: string, key: string): string {
  return isName(key) ? join(prefix, key) : `${prefix}[${JSON.stringify(key)}]`;
}

export function issue(path: string, message: string): Issue {
  return { path, message };
}

/** Required field: present and passing `check`. */
export function field(o: Obj, key: string, check: Check, prefix: string): Issue | undefined {
  const v = o[key];
  if (check.test(v)) return undefined;
  const path = join(prefix, key);
  return v === undefined
    ? issue(path, `${path}: missing; expected ${check.expect}`)
    : issue(path, `${path}: expected ${check.expect}, got ${describe(v)}`);
}

/** Optional field: absent, or passing `check`. */
export function optional(o: Obj, key: string, check: Check, prefix: string): Issue | undefined {
  return o[key] === undefined ? undefined : field(o, key, check, prefix);
}
