// Candidate: valibot 1.x schemas equivalent to the hand-written validators (same limits, same order of checks).
import * as v from 'valibot';
import { readObject } from '../../codec/input';
import { readRequestObject } from '../../codec/shape';
import type { DecodeOptions, DecodeResult } from '../../codec/types';
import { type DeviceMessage, ERROR_CODES, LOG_LEVELS, OPS, type Request } from '../../messages';
import { deviceFailure, type Key, requestFailure } from './shared';

const uint32 = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff));
const posInt = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(0xffffffff));
const name = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_-]{0,15}$/));
const fraction = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const finite = v.pipe(v.number(), v.finite());
const posNumber = v.pipe(v.number(), v.finite(), v.gtValue(0));
const level = v.picklist(LOG_LEVELS);
const ident = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const cause = v.pipe(v.string(), v.minLength(1), v.maxLength(32));
const pin = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255));
const bits = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(32));
const plainObject = v.custom<Record<string, unknown>>(
  (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
  'expected a JSON object',
);

const base = v.looseObject({ id: uint32, op: v.string() });
const req = <O extends string, E extends v.ObjectEntries>(op: O, entries: E) =>
  v.looseObject({ id: uint32, op: v.literal(op), ...entries });

const pwmSet = v.pipe(
  req('pwm.set', { ch: name, duty: v.optional(fraction), raw: v.optional(uint32) }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { duty, raw } = dataset.value;
    if (duty !== undefined && raw !== undefined) {
      addIssue({ message: 'give exactly one of duty or raw', path: [pathItem(dataset.value, 'raw')] });
    } else if (duty === undefined && raw === undefined) {
      addIssue({ message: 'give duty or raw', path: [pathItem(dataset.value, 'duty')] });
    }
  }),
);

function pathItem(input: Record<string, unknown>, key: string): v.ObjectPathItem {
  return { type: 'object', origin: 'value', input, key, value: input[key] };
}

const requestSchema = v.variant('op', [
  req('ping', { ts: v.optional(finite) }),
  req('info', {}),
  req('state.get', {}),
  req('led.set', { led: name, on: v.boolean() }),
  req('led.toggle', { led: name }),
  pwmSet,
  req('pwm.config', { ch: name, freq: posInt, bits: posInt }),
  req('sensor.subscribe', { sensor: name, hz: posNumber }),
  req('sensor.unsubscribe', { sensor: name }),
  req('reboot', {}),
  req('log.level', { level }),
  req('auth', { token: v.pipe(v.string(), v.maxLength(64)) }),
  req('config.set', { config: plainObject }),
  req('config.get', {}),
]);

const pwmState = v.pipe(
  v.looseObject({ freq: posInt, bits, duty: uint32 }),
  v.forward(
    v.check((s) => s.duty <= 2 ** s.bits - 1, 'duty exceeds 2^bits-1'),
    ['duty'],
  ),
);
const caps = v.looseObject({
  leds: v.array(v.looseObject({ name, pin })),
  pwm: v.array(v.looseObject({ name, pin, freq: posInt, bits })),
  buttons: v.array(v.looseObject({ name, pin })),
  sensors: v.array(v.looseObject({ name, pin, unit: v.pipe(v.string(), v.maxLength(16)), maxHz: posNumber })),
  ops: v.array(v.picklist(OPS)),
  maxClients: posInt,
  maxFrame: posInt,
  legacyText: v.boolean(),
  auth: v.boolean(),
});
const state = v.looseObject({
  leds: v.record(name, v.boolean()),
  pwm: v.record(name, pwmState),
  buttons: v.record(name, v.boolean()),
  sensors: v.record(name, v.looseObject({ raw: uint32, value: finite })),
  logLevel: level,
});
const proto = v.literal(1);
const evt = <E extends string, X extends v.ObjectEntries>(ev: E, entries: X) =>
  v.looseObject({ t: v.literal('evt'), seq: posInt, ev: v.literal(ev), ...entries });
const eventSchema = v.variant('ev', [
  evt('led', { led: name, on: v.boolean(), by: cause }),
  v.pipe(
    evt('pwm', { ch: name, freq: posInt, bits, duty: uint32, by: cause }),
    v.forward(
      v.check((s) => s.duty <= 2 ** s.bits - 1, 'duty exceeds 2^bits-1'),
      ['duty'],
    ),
  ),
  evt('button', { button: name, pressed: v.boolean() }),
  evt('sensor', { sensor: name, raw: uint32, value: finite }),
  evt('log', { level, msg: v.string() }),
]);
const deviceSchema = v.variant('t', [
  v.looseObject({
    t: v.literal('hello'),
    proto,
    fw: ident,
    board: ident,
    device: ident,
    boot: ident,
    caps,
    state,
    seq: uint32,
  }),
  v.looseObject({ t: v.literal('auth_required'), proto, deadlineMs: uint32 }),
  v.variant('ok', [
    v.looseObject({ t: v.literal('res'), id: uint32, ok: v.literal(true), result: plainObject }),
    v.looseObject({
      t: v.literal('res'),
      id: v.nullable(uint32),
      ok: v.literal(false),
      error: v.looseObject({ code: v.picklist(ERROR_CODES), msg: v.string(), path: v.optional(v.string()) }),
    }),
  ]),
  eventSchema,
]);

function keysOf(issue: v.BaseIssue<unknown>): Key[] {
  return (issue.path ?? []).map((p) => p.key as Key);
}

export function valibotDecodeRequest(
  input: string | Uint8Array,
  opts?: DecodeOptions,
): DecodeResult<Request> {
  const parsed = readRequestObject(input, opts);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const b = v.safeParse(base, o);
  if (!b.success) return requestFailure(o, keysOf(b.issues[0]), b.issues[0].message);
  const r = v.safeParse(requestSchema, o, { abortEarly: true });
  if (!r.success) return requestFailure(o, keysOf(r.issues[0]), r.issues[0].message);
  return { ok: true, value: r.output as Request };
}

export function valibotDecodeDeviceMessage(
  input: string | Uint8Array,
  opts?: DecodeOptions,
): DecodeResult<DeviceMessage> {
  const parsed = readObject(input, opts);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const r = v.safeParse(deviceSchema, o, { abortEarly: true });
  if (!r.success) return deviceFailure(o, keysOf(r.issues[0]), r.issues[0].message);
  return { ok: true, value: r.output as DeviceMessage };
}
