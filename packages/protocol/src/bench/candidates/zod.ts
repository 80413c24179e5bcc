// Candidate: zod 4 schemas equivalent to the hand-written validators (same limits, same order of checks).
import { z } from 'zod';
import { readObject } from '../../codec/input';
import { readRequestObject } from '../../codec/shape';
import type { DecodeOptions, DecodeResult } from '../../codec/types';
import { type DeviceMessage, ERROR_CODES, LOG_LEVELS, OPS, type Request } from '../../messages';
import { deviceFailure, type Key, requestFailure } from './shared';

const uint32 = z.number().int().min(0).max(0xffffffff);
const posInt = z.number().int().min(1).max(0xffffffff);
const name = z.string().regex(/^[a-z][a-z0-9_-]{0,15}$/);
const fraction = z.number().min(0).max(1);
const finite = z.number().finite();
const posNumber = z.number().finite().gt(0);
const level = z.enum(LOG_LEVELS as [string, ...string[]]);
const ident = z.string().min(1).max(64);
const cause = z.string().min(1).max(32);
const pin = z.number().int().min(0).max(255);
const bits = z.number().int().min(1).max(32);
const plainObject = z.record(z.string(), z.unknown());

const base = z.looseObject({ id: uint32, op: z.string() });
const req = <O extends string, E extends z.ZodRawShape>(op: O, entries: E) =>
  z.looseObject({ id: uint32, op: z.literal(op), ...entries });

const pwmSet = req('pwm.set', { ch: name, duty: fraction.optional(), raw: uint32.optional() }).superRefine(
  (s, ctx) => {
    if (s.duty !== undefined && s.raw !== undefined)
      ctx.addIssue({ code: 'custom', message: 'exactly one', path: ['raw'] });
    else if (s.duty === undefined && s.raw === undefined)
      ctx.addIssue({ code: 'custom', message: 'give one', path: ['duty'] });
  },
);

const requestSchema = z.discriminatedUnion('op', [
  req('ping', { ts: finite.optional() }),
  req('info', {}),
  req('state.get', {}),
  req('led.set', { led: name, on: z.boolean() }),
  req('led.toggle', { led: name }),
  pwmSet,
  req('pwm.config', { ch: name, freq: posInt, bits: posInt }),
  req('sensor.subscribe', { sensor: name, hz: posNumber }),
  req('sensor.unsubscribe', { sensor: name }),
  req('reboot', {}),
  req('log.level', { level }),
  req('auth', { token: z.string().max(64) }),
  req('config.set', { config: plainObject }),
  req('config.get', {}),
]);

const pwmState = z
  .looseObject({ freq: posInt, bits, duty: uint32 })
  .refine((s) => s.duty <= 2 ** s.bits - 1, { message: 'duty exceeds 2^bits-1', path: ['duty'] });
const caps = z.looseObject({
  leds: z.array(z.looseObject({ name, pin })),
  pwm: z.array(z.looseObject({ name, pin, freq: posInt, bits })),
  buttons: z.array(z.looseObject({ name, pin })),
  sensors: z.array(z.looseObject({ name, pin, unit: z.string().max(16), maxHz: posNumber })),
  ops: z.array(z.enum(OPS as [string, ...string[]])),
  maxClients: posInt,
  maxFrame: posInt,
  legacyText: z.boolean(),
  auth: z.boolean(),
});
const state = z.looseObject({
  leds: z.record(name, z.boolean()),
  pwm: z.record(name, pwmState),
  buttons: z.record(name, z.boolean()),
  sensors: z.record(name, z.looseObject({ raw: uint32, value: finite })),
  logLevel: level,
});
const proto = z.literal(1);
const evt = <E extends string, X extends z.ZodRawShape>(ev: E, entries: X) =>
  z.looseObject({ t: z.literal('evt'), seq: posInt, ev: z.literal(ev), ...entries });
const deviceSchema = z.discriminatedUnion('t', [
  z.looseObject({
    t: z.literal('hello'),
    proto,
    fw: ident,
    board: ident,
    device: ident,
    boot: ident,
    caps,
    state,
    seq: uint32,
  }),
  z.looseObject({ t: z.literal('auth_required'), proto, deadlineMs: uint32 }),
  z.discriminatedUnion('ok', [
    z.looseObject({ t: z.literal('res'), id: uint32, ok: z.literal(true), result: plainObject }),
    z.looseObject({
      t: z.literal('res'),
      id: uint32.nullable(),
      ok: z.literal(false),
      error: z.looseObject({
        code: z.enum(ERROR_CODES as [string, ...string[]]),
        msg: z.string(),
        path: z.string().optional(),
      }),
    }),
  ]),
  z.discriminatedUnion('ev', [
    evt('led', { led: name, on: z.boolean(), by: cause }),
    evt('pwm', { ch: name, freq: posInt, bits, duty: uint32, by: cause }).refine(
      (s) => s.duty <= 2 ** s.bits - 1,
      {
        message: 'duty exceeds 2^bits-1',
        path: ['duty'],
      },
    ),
    evt('button', { button: name, pressed: z.boolean() }),
    evt('sensor', { sensor: name, raw: uint32, value: finite }),
    evt('log', { level, msg: z.string() }),
  ]),
]);

function first(err: z.ZodError): { keys: Key[]; message: string } {
  // A union reports "invalid_union" with every branch's issues; pick the branch-level issue closest to the data.
  let issue = err.issues[0];
  while (issue && issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branches = issue.errors.filter((b) => b.length > 0);
    const best = branches.find(
      (b) => !(b[0]?.path[0] === 't' || b[0]?.path[0] === 'ev' || b[0]?.path[0] === 'ok'),
    );
    issue = (best ?? branches[0])?.[0];
  }
  return { keys: (issue?.path ?? []) as Key[], message: issue?.message ?? 'invalid' };
}

export function zodDecodeRequest(input: string | Uint8Array, opts?: DecodeOptions): DecodeResult<Request> {
  const parsed = readRequestObject(input, opts);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const b = base.safeParse(o);
  if (!b.success) {
    const f = first(b.error);
    return requestFailure(o, f.keys, f.message);
  }
  const r = requestSchema.safeParse(o);
  if (!r.success) {
    const f = first(r.error);
    return requestFailure(o, f.keys, f.message);
  }
  return { ok: true, value: r.data as Request };
}

export function zodDecodeDeviceMessage(
  input: string | Uint8Array,
  opts?: DecodeOptions,
): DecodeResult<DeviceMessage> {
  const parsed = readObject(input, opts);
  if (!parsed.ok) return parsed;
  const o = parsed.value;
  const r = deviceSchema.safeParse(o);
  if (!r.success) {
    const f = first(r.error);
    return deviceFailure(o, f.keys, f.message);
  }
  return { ok: true, value: r.data as DeviceMessage };
}
