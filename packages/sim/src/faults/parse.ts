import { SimError } from '../errors';
import { FAULT_CATALOG, FAULT_NAMES } from './catalog';
import type { Fault, FaultArgKind, FaultName } from './types';

/** Limits on fault arguments: keep a typo from freezing the sim for a day. */
export const MAX_FAULT_MS = 3_600_000;
export const MAX_FAULT_CLIENTS = 64;
export const MAX_FAULT_TEXT = 64;

export type FaultParseResult = { ok: true; fault: Fault } | { ok: false; error: SimError };

function argHint(kind: FaultArgKind, name: string): string {
  switch (kind) {
    case 'points':
      return `${name}:<percentage points, -100..100>`;
    case 'rate':
      return `${name}:<probability 0..1>`;
    case 'ms':
      return `${name}:<milliseconds, 0..${MAX_FAULT_MS}>`;
    case 'count':
      return `${name}:<clients, 1..${MAX_FAULT_CLIENTS}>`;
    default:
      return name;
  }
}

/** Parses `name` or `name:arg`; never throws. */
export function tryParseFault(text: string): FaultParseResult {
  const fail = (code: 'fault_unknown' | 'fault_arg', message: string): FaultParseResult => ({
    ok: false,
    error: new SimError(code, message),
  });
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_FAULT_TEXT) {
    return fail('fault_unknown', `fault must be a non-empty string of at most ${MAX_FAULT_TEXT} characters`);
  }
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  const rawArg = colon < 0 ? null : text.slice(colon + 1).trim();
  const info = FAULT_CATALOG.find((f) => f.name === name);
  if (!info) {
    return fail('fault_unknown', `unknown fault "${name}"; known faults: ${FAULT_NAMES.join(', ')}`);
  }
  const usage = argHint(info.arg, info.name);
  if (info.arg === 'none') {
    if (rawArg !== null) return fail('fault_arg', `fault "${name}" takes no argument; use ${usage}`);
    return { ok: true, fault: { name: info.name } as Fault };
  }
  if (rawArg === null || rawArg === '')
    return fail('fault_arg', `fault "${name}" needs an argument: ${usage}`);
  const num = Number(rawArg);
  if (!Number.isFinite(num))
    return fail('fault_arg', `fault "${name}": "${rawArg}" is not a number; use ${usage}`);
  const n: FaultName = info.name;
  switch (info.arg) {
    case 'points':
      if (num < -100 || num > 100)
        return fail('fault_arg', `fault "${name}": ${num} is out of range; use ${usage}`);
      return { ok: true, fault: { name: 'pwm-offset', points: num } };
    case 'rate':
      if (num < 0 || num > 1)
        return fail('fault_arg', `fault "${name}": ${num} is out of range; use ${usage}`);
      return { ok: true, fault: { name: n, rate: num } as Fault };
    case 'ms':
      if (num < 0 || num > MAX_FAULT_MS) {
        return fail('fault_arg', `fault "${name}": ${num} is out of range; use ${usage}`);
      }
      return { ok: true, fault: { name: n, ms: num } as Fault };
    case 'count':
      if (!Number.isInteger(num) || num < 1 || num > MAX_FAULT_CLIENTS) {
        return fail('fault_arg', `fault "${name}": ${num} must be a whole number 1..${MAX_FAULT_CLIENTS}`);
      }
      return { ok: true, fault: { name: 'client-limit', n: num } };
  }
}

/** Parses `name` or `name:arg`; throws SimError (code fault_unknown / fault_arg) with a usage hint. */
export function parseFault(text: string): Fault {
  const r = tryParseFault(text);
  if (!r.ok) throw r.error;
  return r.fault;
}

/** Accepts strings or already-parsed faults. */
export function parseFaults(list: readonly (string | Fault)[] = []): Fault[] {
  return list.map((f) => (typeof f === 'string' ? parseFault(f) : f));
}

export function formatFault(f: Fault): string {
  if ('points' in f) return `${f.name}:${f.points}`;
  if ('rate' in f) return `${f.name}:${f.rate}`;
  if ('ms' in f) return `${f.name}:${f.ms}`;
  if ('n' in f) return `${f.name}:${f.n}`;
  return f.name;
}
