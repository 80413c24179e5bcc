// fast-check arbitraries producing VALID protocol messages (test-only; not exported from the package entry).
import fc from 'fast-check';
import {
  type AuthRequiredMessage,
  type Capabilities,
  type DeviceStateSnapshot,
  ERROR_CODES,
  type Event,
  type HelloMessage,
  LOG_LEVELS,
  OPS,
  type PwmState,
  type Request,
  type Response,
  type SerialBootLine,
  type SerialReadyLine,
  type SerialWifiLine,
} from '../messages';

/** JSON has no -0: normalise so deep equality after a round trip is exact. */
const noNegZero = (x: number): number => x + 0;

export const name = fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/);
export const uint32 = fc.nat({ max: 0xffff_ffff });
export const posInt = fc.integer({ min: 1, max: 0xffff_ffff });
export const fraction = fc.double({ min: 0, max: 1, noNaN: true }).map(noNegZero);
export const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map(noNegZero);
export const posNumber = fc
  .double({ min: Number.MIN_VALUE, max: 1e6, noNaN: true, noDefaultInfinity: true })
  .filter((x) => x > 0);
export const logLevel = fc.constantFrom(...LOG_LEVELS);
export const ident = fc.string({ minLength: 1, maxLength: 64 });
export const cause = fc.oneof(
  fc.constantFrom('serial', 'local', 'boot'),
  fc.nat(4).map((n) => `ws:${n}`),
  fc.nat(4).map((n) => `legacy:${n}`),
);
export const pin = fc.nat(48);

export const pwmState: fc.Arbitrary<PwmState> = fc.integer({ min: 1, max: 20 }).chain((bits) =>
  fc.record({
    freq: fc.integer({ min: 1, max: 40_000_000 }),
    bits: fc.constant(bits),
    duty: fc.nat(2 ** bits - 1),
  }),
);

const objectValue = fc
  .dictionary(
    fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'),
    fc.jsonValue({ maxDepth: 2 }),
    { maxKeys: 4 },
    // fc.jsonValue can hold -0, which JSON text cannot: normalise through JSON once.
  )
  .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);

export const request: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ id: uint32, op: fc.constant('ping' as const), ts: finite }, { requiredKeys: ['id', 'op'] }),
  fc.record({ id: uint32, op: fc.constant('info' as const) }),
  fc.record({ id: uint32, op: fc.constant('state.get' as const) }),
  fc.record({ id: uint32, op: fc.constant('led.set' as const), led: name, on: fc.boolean() }),
  fc.record({ id: uint32, op: fc.constant('led.toggle' as const), led: name }),
  fc.record({ id: uint32, op: fc.constant('pwm.set' as const), ch: name, duty: fraction }),
  fc.record({ id: uint32, op: fc.constant('pwm.set' as const), ch: name, raw: uint32 }),
  fc.record({ id: uint32, op: fc.constant('pwm.config' as const), ch: name, freq: posInt, bits: posInt }),
  fc.record({ id: uint32, op: fc.constant('sensor.subscribe' as const), sensor: name, hz: posNumber }),
  fc.record({ id: uint32, op: fc.constant('sensor.unsubscribe' as const), sensor: name }),
  fc.record({ id: uint32, op: fc.constant('reboot' as const) }),
  fc.record({ id: uint32, op: fc.constant('log.level' as const), level: logLevel }),
  fc.record({ id: uint32, op: fc.constant('auth' as const), token: fc.string({ maxLength: 64 }) }),
  fc.record({ id: uint32, op: fc.constant('config.set' as const), config: objectValue }),
  fc.record({ id: uint32, op: fc.constant('config.get' as const) }),
);

export const capabilities: fc.Arbitrary<Capabilities> = fc.record({
  leds: fc.array(fc.record({ name, pin }), { maxLength: 4 }),
  pwm: fc.array(
    fc.record({
      name,
      pin,
      freq: fc.integer({ min: 1, max: 40_000_000 }),
      bits: fc.integer({ min: 1, max: 20 }),
    }),
    { maxLength: 4 },
  ),
  buttons: fc.array(fc.record({ name, pin }), { maxLength: 4 }),
  sensors: fc.array(fc.record({ name, pin, unit: fc.string({ maxLength: 16 }), maxHz: posNumber }), {
    maxLength: 4,
  }),
  ops: fc.subarray([...OPS]),
  maxClients: fc.integer({ min: 1, max: 16 }),
  maxFrame: fc.integer({ min: 256, max: 65536 }),
  legacyText: fc.boolean(),
  auth: fc.boolean(),
});

export const snapshot: fc.Arbitrary<DeviceStateSnapshot> = fc.record({
  leds: fc.dictionary(name, fc.boolean(), { maxKeys: 4 }),
  pwm: fc.dictionary(name, pwmState, { maxKeys: 4 }),
  buttons: fc.dictionary(name, fc.boolean(), { maxKeys: 4 }),
  sensors: fc.dictionary(name, fc.record({ raw: fc.nat(4095), value: finite }), { maxKeys: 4 }),
  logLevel,
});

export const hello: fc.Arbitrary<HelloMessage> = fc.record({
  t: fc.constant('hello' as const),
  proto: fc.constant(1),
  fw: ident,
  board: ident,
  device: ident,
  boot: ident,
  caps: capabilities,
  state: snapshot,
  seq: fc.constant(0),
});

export const authRequired: fc.Arbitrary<AuthRequiredMessage> = fc.record({
  t: fc.constant('auth_required' as const),
  proto: fc.constant(1),
  deadlineMs: uint32,
});

export const response: fc.Arbitrary<Response> = fc.oneof(
  fc.record({
    t: fc.constant('res' as const),
    id: uint32,
    ok: fc.constant(true as const),
    result: objectValue,
  }),
  fc.record({
    t: fc.constant('res' as const),
    id: fc.option(uint32, { nil: null }),
    ok: fc.constant(false as const),
    error: fc.record(
      {
        code: fc.constantFrom(...ERROR_CODES),
        msg: fc.string({ maxLength: 80 }),
        path: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: ['code', 'msg'] },
    ),
  }),
) as fc.Arbitrary<Response>;

const seq = posInt;
export const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    t: fc.constant('evt' as const),
    seq,
    ev: fc.constant('led' as const),
    led: name,
    on: fc.boolean(),
    by: cause,
  }),
  pwmState.chain((s) =>
    fc.record({
      t: fc.constant('evt' as const),
      seq,
      ev: fc.constant('pwm' as const),
      ch: name,
      freq: fc.constant(s.freq),
      bits: fc.constant(s.bits),
      duty: fc.constant(s.duty),
      by: cause,
    }),
  ),
  fc.record({
    t: fc.constant('evt' as const),
    seq,
    ev: fc.constant('button' as const),
    button: name,
    pressed: fc.boolean(),
  }),
  fc.record({
    t: fc.constant('evt' as const),
    seq,
    ev: fc.constant('sensor' as const),
    sensor: name,
    raw: fc.nat(4095),
    value: finite,
  }),
  fc.record({
    t: fc.constant('evt' as const),
    seq,
    ev: fc.constant('log' as const),
    level: logLevel,
    msg: fc.string(),
  }),
);

const ip = fc.ipV4();
export const bootLine: fc.Arbitrary<SerialBootLine> = fc.record({
  t: fc.constant('boot' as const),
  fw: ident,
  board: ident,
  device: ident,
  boot: ident,
  reason: fc.constantFrom('poweron', 'sw', 'ext', 'panic', 'brownout', 'deepsleep', 'wdt'),
});
export const wifiLine: fc.Arbitrary<SerialWifiLine> = fc.record(
  {
    t: fc.constant('wifi' as const),
    status: fc.constantFrom('connecting', 'connected', 'failed', 'disconnected', 'unprovisioned'),
    ssid: fc.string({ maxLength: 32 }),
    ip,
  },
  { requiredKeys: ['t', 'status'] },
);
export const readyLine: fc.Arbitrary<SerialReadyLine> = fc
  .record({
    ip: fc.option(ip, { nil: null }),
    port: fc.integer({ min: 1, max: 65535 }),
    proto: fc.constant(1),
  })
  .map(({ ip: addr, port, proto }) => ({
    t: 'ready' as const,
    ip: addr,
    port,
    path: '/',
    url: addr === null ? null : `ws://${addr}:${port}/`,
    proto,
  }));

export const deviceMessage = fc.oneof(hello, authRequired, response, event);
export const serialMachineLine = fc.oneof(bootLine, wifiLine, readyLine, response, event);
