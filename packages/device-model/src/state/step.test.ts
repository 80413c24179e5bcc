import type { ErrorCode, Request, Response } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { starterConfig } from '../config/starter';
import type { DeviceConfig } from '../config/types';
import { bootEffects, createMachine, DeviceConfigError } from './create';
import { buildAuthRequired, buildHello } from './hello';
import { applyInput } from './input';
import { legacyStep } from './legacy';
import { step } from './step';
import { ctxFor, deepFreeze, serial, ws0, ws1 } from './test-helpers';
import type { MachineState, StepContext } from './types';

const DOIT = 'esp32-doit-devkit-v1' as const;
const starter = (): MachineState => deepFreeze(createMachine(starterConfig(DOIT)));

function errorCode(res: Response): ErrorCode | null {
  return res.ok ? null : res.error.code;
}
function run(state: MachineState, req: unknown, ctx: StepContext = ws0) {
  return step(state, req as Request, ctx);
}

describe('createMachine', () => {
  it('boots the starter config with initial state, caps and LEDC assignment', () => {
    const s = starter();
    expect(s.snapshot).toEqual({
      leds: { status: false },
      pwm: { fan: { freq: 5000, bits: 10, duty: 0 } },
      buttons: { boot: false },
      sensors: { light: { raw: 0, value: 0 } },
      logLevel: 'info',
    });
    expect(s.caps.pwm).toEqual([{ name: 'fan', pin: 18, freq: 5000, bits: 10 }]);
    expect(s.ledc).toEqual([
      { name: 'fan', pin: 18, channel: 0, group: 0, timer: 0, speedMode: 'high', freq: 5000, bits: 10 },
    ]);
    expect(bootEffects(s)).toEqual([
      { kind: 'led-output', led: 'status', pin: 2, on: false, level: 0 },
      { kind: 'pwm-output', ch: 'fan', pin: 18, freq: 5000, bits: 10, duty: 0, fraction: 0 },
    ]);
  });

  it('active-low LEDs and initial values reach the boot effects', () => {
    const s = createMachine({
      version: 1,
      board: DOIT,
      leds: [{ name: 'l', pin: 23, activeLow: true, initial: true }],
      pwm: [{ name: 'p', pin: 18, bits: 8, initialDuty: 255 }],
    });
    expect(bootEffects(s)).toEqual([
      { kind: 'led-output', led: 'l', pin: 23, on: true, level: 0 },
      { kind: 'pwm-output', ch: 'p', pin: 18, freq: 5000, bits: 8, duty: 255, fraction: 1 },
    ]);
  });

  it('refuses a config with errors, carrying the diagnostics', () => {
    const bad: DeviceConfig = { version: 1, board: DOIT, leds: [{ name: 'a', pin: 6 }] };
    expect(() => createMachine(bad)).toThrow(DeviceConfigError);
    try {
      createMachine(bad);
    } catch (e) {
      expect((e as DeviceConfigError).diagnostics.map((d) => d.code)).toEqual(['pin.flash']);
    }
  });
});

describe('step: system ops', () => {
  it('ping echoes ts and reports uptime; a non-numeric ts is bad_param', () => {
    const s = starter();
    expect(run(s, { id: 1, op: 'ping', ts: 42 }).response).toEqual({
      t: 'res',
      id: 1,
      ok: true,
      result: { ts: 42, uptimeMs: 1000 },
    });
    expect(run(s, { id: 2, op: 'ping' }).response).toEqual({
      t: 'res',
      id: 2,
      ok: true,
      result: { uptimeMs: 1000 },
    });
    expect(errorCode(run(s, { id: 3, op: 'ping', ts: 'x' }).response)).toBe('bad_param');
  });

  it('info comes from the context', () => {
    const r = run(
      starter(),
      { id: 1, op: 'info' },
      ctxFor({ kind: 'ws', client: 0 }, { clients: 3, uptimeMs: 77 }),
    );
    expect(r.response).toEqual({
      t: 'res',
      id: 1,
      ok: true,
      result: {
        fw: '0.1.0',
        board: 'esp32-doit-devkit-v1',
        device: 'esphil-a1b2c3',
        boot: 'b00t',
        uptimeMs: 77,
        heapFree: 200_000,
        rssi: -55,
        ip: '192.168.1.50',
        clients: 3,
      },
    });
  });

  it('state.get returns a copy of the snapshot', () => {
    const s = starter();
    const r = run(s, { id: 1, op: 'state.get' });
    expect(r.response.ok && r.response.result).toEqual(s.snapshot);
    expect(r.response.ok && r.response.result).not.toBe(s.snapshot);
    expect(r.state).toBe(s);
  });

  it('reboot answers inMs 100 and asks for a reboot effect', () => {
    const r = run(starter(), { id: 1, op: 'reboot' });
    expect(r.response).toEqual({ t: 'res', id: 1, ok: true, result: { inMs: 100 } });
    expect(r.effects).toEqual([{ kind: 'reboot', afterMs: 100 }]);
  });

  it('log.level changes the level; an unknown level is bad_param', () => {
    const r = run(starter(), { id: 1, op: 'log.level', level: 'debug' });
    expect(r.response).toEqual({ t: 'res', id: 1, ok: true, result: { level: 'debug' } });
    expect(r.state.snapshot.logLevel).toBe('debug');
    expect(errorCode(run(starter(), { id: 2, op: 'log.level', level: 'loud' }).response)).toBe('bad_param');
  });

  it('unknown op and malformed requests', () => {
    expect(run(starter(), { id: 9, op: 'fly' }).response).toMatchObject({
      id: 9,
      ok: false,
      error: { code: 'unknown_op' },
    });
    expect(run(starter(), null).response).toMatchObject({
      id: null,
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(run(starter(), { id: 1 }).response).toMatchObject({
      id: 1,
      ok: false,
      error: { code: 'bad_request' },
    });
  });
});

describe('step: LEDs', () => {
  it('led.set updates state, emits an event with the cause and an output effect', () => {
    const r = run(starter(), { id: 1, op: 'led.set', led: 'status', on: true });
    expect(r.response).toEqual({ t: 'res', id: 1, ok: true, result: { led: 'status', on: true } });
    expect(r.state.snapshot.leds.status).toBe(true);
    expect(r.events).toEqual([{ t: 'evt', ev: 'led', led: 'status', on: true, by: 'ws:0' }]);
    expect(r.effects).toEqual([{ kind: 'led-output', led: 'status', pin: 2, on: true, level: 1 }]);
  });

  it('a set that does not change the LED still emits the event (documented choice)', () => {
    const r = run(starter(), { id: 1, op: 'led.set', led: 'status', on: false }, serial);
    expect(r.events).toEqual([{ t: 'evt', ev: 'led', led: 'status', on: false, by: 'serial' }]);
  });

  it('led.toggle flips', () => {
    const a = run(starter(), { id: 1, op: 'led.toggle', led: 'status' }, ws1);
    expect(a.response).toMatchObject({ ok: true, result: { led: 'status', on: true } });
    expect(a.events).toEqual([{ t: 'evt', ev: 'led', led: 'status', on: true, by: 'ws:1' }]);
    const b = run(a.state, { id: 2, op: 'led.toggle', led: 'status' });
    expect(b.state.snapshot.leds.status).toBe(false);
  });

  it('unknown LED is unknown_target; wrong types are bad_param; state unchanged', () => {
    const s = starter();
    for (const [req, code] of [
      [{ id: 1, op: 'led.set', led: 'nope', on: true }, 'unknown_target'],
      [{ id: 2, op: 'led.toggle', led: 'nope' }, 'unknown_target'],
      [{ id: 3, op: 'led.set', led: 'status', on: 'yes' }, 'bad_param'],
      [{ id: 4, op: 'led.set', led: 7, on: true }, 'bad_param'],
    ] as const) {
      const r = run(s, req);
      expect(errorCode(r.response), JSON.stringify(req)).toBe(code);
      expect(r.state).toBe(s);
      expect(r.events).toEqual([]);
    }
  });

  it('active-low LED drives level 0 when on', () => {
    const s = createMachine({ version: 1, board: DOIT, leds: [{ name: 'l', pin: 23, activeLow: true }] });
    expect(run(s, { id: 1, op: 'led.set', led: 'l', on: true }).effects).toEqual([
      { kind: 'led-output', led: 'l', pin: 23, on: true, level: 0 },
    ]);
  });
});

describe('step: PWM', () => {
  it('pwm.set with a fraction: nearest count, full on at 1.0', () => {
    const half = run(starter(), { id: 1, op: 'pwm.set', ch: 'fan', duty: 0.5 });
    expect(half.response).toEqual({
      t: 'res',
      id: 1,
      ok: true,
      result: { ch: 'fan', freq: 5000, bits: 10, duty: 512 },
    });
    expect(half.events).toEqual([
      { t: 'evt', ev: 'pwm', ch: 'fan', freq: 5000, bits: 10, duty: 512, by: 'ws:0' },
    ]);
    expect(half.effects).toEqual([
      { kind: 'pwm-output', ch: 'fan', pin: 18, freq: 5000, bits: 10, duty: 512, fraction: 0.5 },
    ]);
    const full = run(starter(), { id: 2, op: 'pwm.set', ch: 'fan', duty: 1 });
    expect(full.state.snapshot.pwm.fan?.duty).toBe(1023);
    expect(full.effects[0]).toMatchObject({ fraction: 1 });
  });

  it('pwm.set with raw counts; the maximum is the full-on quirk', () => {
    const r = run(starter(), { id: 1, op: 'pwm.set', ch: 'fan', raw: 1023 });
    expect(r.response).toMatchObject({ ok: true, result: { duty: 1023 } });
    expect(r.effects[0]).toMatchObject({ duty: 1023, fraction: 1 });
    const r2 = run(starter(), { id: 2, op: 'pwm.set', ch: 'fan', raw: 1022 });
    expect(r2.effects[0]).toMatchObject({ fraction: 1022 / 1024 });
  });

  it('pwm.set errors: unknown channel, both/neither of duty and raw, out of range', () => {
    const s = starter();
    const cases: [unknown, ErrorCode][] = [
      [{ id: 1, op: 'pwm.set', ch: 'pump', duty: 0.5 }, 'unknown_target'],
      [{ id: 2, op: 'pwm.set', ch: 'fan' }, 'bad_param'],
      [{ id: 3, op: 'pwm.set', ch: 'fan', duty: 0.5, raw: 3 }, 'bad_param'],
      [{ id: 4, op: 'pwm.set', ch: 'fan', duty: 1.01 }, 'bad_param'],
      [{ id: 5, op: 'pwm.set', ch: 'fan', duty: -0.1 }, 'bad_param'],
      [{ id: 6, op: 'pwm.set', ch: 'fan', duty: Number.NaN }, 'bad_param'],
      [{ id: 7, op: 'pwm.set', ch: 'fan', raw: 1024 }, 'bad_param'],
      [{ id: 8, op: 'pwm.set', ch: 'fan', raw: 2.5 }, 'bad_param'],
      [{ id: 9, op: 'pwm.set', ch: 'fan', raw: -1 }, 'bad_param'],
    ];
    for (const [req, code] of cases) {
      const r = run(s, req);
      expect(errorCode(r.response), JSON.stringify(req)).toBe(code);
      expect(r.state).toBe(s);
    }
  });

  it('pwm.config changes the setup and rescales the duty keeping the fraction', () => {
    const half = run(starter(), { id: 1, op: 'pwm.set', ch: 'fan', raw: 512 }).state;
    const r = run(half, { id: 2, op: 'pwm.config', ch: 'fan', freq: 1000, bits: 8 });
    expect(r.response).toEqual({
      t: 'res',
      id: 2,
      ok: true,
      result: { ch: 'fan', freq: 1000, bits: 8, duty: 128 },
    });
    expect(r.events).toEqual([
      { t: 'evt', ev: 'pwm', ch: 'fan', freq: 1000, bits: 8, duty: 128, by: 'ws:0' },
    ]);
    expect(r.state.ledc[0]).toMatchObject({ freq: 1000, bits: 8 });
    const full = run(starter(), { id: 3, op: 'pwm.set', ch: 'fan', raw: 1023 }).state;
    expect(
      run(full, { id: 4, op: 'pwm.config', ch: 'fan', freq: 1000, bits: 12 }).state.snapshot.pwm.fan?.duty,
    ).toBe(4095);
  });

  it('pwm.config infeasible setups answer pwm_infeasible and keep the state', () => {
    const s = starter();
    for (const [freq, bits] of [
      [5000, 14],
      [40_000_001, 1],
      [1000, 21],
      [1000, 0],
    ]) {
      const r = run(s, { id: 1, op: 'pwm.config', ch: 'fan', freq, bits });
      expect(errorCode(r.response), `${freq}/${bits}`).toBe('pwm_infeasible');
      expect(r.state).toBe(s);
    }
    expect(errorCode(run(s, { id: 2, op: 'pwm.config', ch: 'fan', freq: 1.5, bits: 8 }).response)).toBe(
      'bad_param',
    );
    expect(errorCode(run(s, { id: 3, op: 'pwm.config', ch: 'fan', freq: 1000, bits: '8' }).response)).toBe(
      'bad_param',
    );
    expect(errorCode(run(s, { id: 4, op: 'pwm.config', ch: 'pump', freq: 1000, bits: 8 }).response)).toBe(
      'unknown_target',
    );
  });

  it('2.x: changing one channel of a timer pair away from its partner is pwm_infeasible', () => {
    const s = deepFreeze(
      createMachine({
        version: 1,
        board: DOIT,
        core: '2.x',
        pwm: [
          { name: 'a', pin: 18, freq: 5000, bits: 8 },
          { name: 'b', pin: 19, freq: 5000, bits: 8 },
        ],
      }),
    );
    expect(s.ledc.map((a) => [a.name, a.channel, a.timer])).toEqual([
      ['a', 0, 0],
      ['b', 1, 0],
    ]);
    const r = run(s, { id: 1, op: 'pwm.config', ch: 'b', freq: 1000, bits: 8 });
    expect(errorCode(r.response)).toBe('pwm_infeasible');
    expect(r.state).toBe(s);
    // Under 3.x the same change takes a second timer.
    const s3 = createMachine({ ...s.config, core: '3.x' });
    const r3 = run(s3, { id: 2, op: 'pwm.config', ch: 'b', freq: 1000, bits: 8 });
    expect(r3.response.ok).toBe(true);
    expect(r3.state.ledc.map((a) => a.timer)).toEqual([0, 1]);
  });

  it('3.x: a fifth distinct setup in a 4-timer group is pwm_infeasible', () => {
    const pins = [2, 4, 5, 18, 19];
    const s = createMachine({
      version: 1,
      board: 'esp32-s3-devkitc-1',
      pwm: pins.map((pin, i) => ({ name: `p${i}`, pin, freq: i < 4 ? 1000 * (i + 1) : 1000, bits: 8 })),
    });
    const r = run(s, { id: 1, op: 'pwm.config', ch: 'p4', freq: 9000, bits: 8 });
    expect(errorCode(r.response)).toBe('pwm_infeasible');
    expect(run(s, { id: 2, op: 'pwm.config', ch: 'p4', freq: 4000, bits: 8 }).response.ok).toBe(true);
  });
});

describe('step: sensors', () => {
  it('subscribe and unsubscribe per client slot', () => {
    const a = run(starter(), { id: 1, op: 'sensor.subscribe', sensor: 'light', hz: 10 });
    expect(a.response).toEqual({ t: 'res', id: 1, ok: true, result: { sensor: 'light', hz: 10 } });
    const b = run(a.state, { id: 2, op: 'sensor.subscribe', sensor: 'light', hz: 50 }, ws1);
    expect(b.state.subscriptions).toEqual({ 0: { light: 10 }, 1: { light: 50 } });
    const c = run(b.state, { id: 3, op: 'sensor.unsubscribe', sensor: 'light' });
    expect(c.response).toEqual({ t: 'res', id: 3, ok: true, result: { sensor: 'light' } });
    expect(c.state.subscriptions).toEqual({ 1: { light: 50 } });
    const d = run(c.state, { id: 4, op: 'sensor.unsubscribe', sensor: 'light' });
    expect(d.response.ok).toBe(true);
    expect(d.state).toBe(c.state);
  });

  it('subscribe errors: hz above maxHz or not positive, unknown sensor, serial', () => {
    const s = starter();
    const cases: [unknown, ErrorCode, StepContext][] = [
      [{ id: 1, op: 'sensor.subscribe', sensor: 'light', hz: 51 }, 'bad_param', ws0],
      [{ id: 2, op: 'sensor.subscribe', sensor: 'light', hz: 0 }, 'bad_param', ws0],
      [{ id: 3, op: 'sensor.subscribe', sensor: 'light', hz: 'fast' }, 'bad_param', ws0],
      [{ id: 4, op: 'sensor.subscribe', sensor: 'temp', hz: 1 }, 'unknown_target', ws0],
      [{ id: 5, op: 'sensor.subscribe', sensor: 'light', hz: 1 }, 'bad_param', serial],
      [{ id: 6, op: 'sensor.unsubscribe', sensor: 'temp' }, 'unknown_target', ws0],
      [{ id: 7, op: 'sensor.unsubscribe', sensor: 'light' }, 'bad_param', serial],
    ];
    for (const [req, code, ctx] of cases) {
      const r = run(s, req, ctx);
      expect(errorCode(r.response), JSON.stringify(req)).toBe(code);
      expect(r.state).toBe(s);
    }
  });
});

describe('step: auth', () => {
  const locked = (): MachineState =>
    deepFreeze(createMachine({ ...starterConfig(DOIT), websocket: { authToken: 's3cret-token-0123' } }));

  it('an unauthorized slot gets unauthorized for every op but auth; serial is trusted', () => {
    const s = locked();
    expect(s.caps.auth).toBe(true);
    for (const op of ['ping', 'info', 'state.get', 'led.toggle', 'reboot', 'config.get']) {
      expect(errorCode(run(s, { id: 1, op, led: 'status' }).response), op).toBe('unauthorized');
    }
    expect(run(s, { id: 2, op: 'ping' }, serial).response.ok).toBe(true);
  });

  it('wrong token is unauthorized; right token unlocks only that slot', () => {
    const s = locked();
    expect(errorCode(run(s, { id: 1, op: 'auth', token: 'guess' }).response)).toBe('unauthorized');
    expect(errorCode(run(s, { id: 1, op: 'auth', token: 42 }).response)).toBe('bad_param');
    const a = run(s, { id: 2, op: 'auth', token: 's3cret-token-0123' });
    expect(a.response).toEqual({ t: 'res', id: 2, ok: true, result: {} });
    expect(a.state.authorized).toEqual([0]);
    expect(run(a.state, { id: 3, op: 'ping' }).response.ok).toBe(true);
    expect(errorCode(run(a.state, { id: 4, op: 'ping' }, ws1).response)).toBe('unauthorized');
    // Disconnect forgets it.
    const gone = applyInput(a.state, { kind: 'client-disconnected', client: 0 });
    expect(gone.state.authorized).toEqual([]);
  });

  it('auth without a configured token always succeeds', () => {
    expect(run(starter(), { id: 1, op: 'auth', token: 'anything' }).response.ok).toBe(true);
  });
});

describe('step: config', () => {
  it('config.set over serial: valid config -> caps + store-config + reboot; state unchanged', () => {
    const s = starter();
    const next = { ...starterConfig(DOIT), leds: [{ name: 'blue', pin: 2 }] };
    const r = run(s, { id: 1, op: 'config.set', config: next }, serial);
    expect(r.response).toMatchObject({ ok: true, result: { rebootInMs: 100 } });
    expect(r.response.ok && (r.response.result as { caps: { leds: unknown } }).caps.leds).toEqual([
      { name: 'blue', pin: 2 },
    ]);
    expect(r.effects.map((e) => e.kind)).toEqual(['store-config', 'reboot']);
    expect(r.effects[0]).toMatchObject({
      kind: 'store-config',
      config: { leds: [{ name: 'blue', pin: 2, activeLow: false }] },
    });
    expect(r.state).toBe(s);
  });

  it('config.set invalid -> bad_param with the first diagnostic', () => {
    const r = run(
      starter(),
      { id: 1, op: 'config.set', config: { ...starterConfig(DOIT), leds: [{ name: 'x', pin: 6 }] } },
      serial,
    );
    expect(r.response).toMatchObject({ ok: false, error: { code: 'bad_param' } });
    expect(!r.response.ok && r.response.error.msg).toContain('config.leds[0].pin: pin.flash');
    expect(errorCode(run(starter(), { id: 2, op: 'config.set', config: 'nope' }, serial).response)).toBe(
      'bad_param',
    );
    expect(r.effects).toEqual([]);
  });

  it('config.set over WebSocket is refused', () => {
    expect(errorCode(run(starter(), { id: 1, op: 'config.set', config: starterConfig(DOIT) }).response)).toBe(
      'unauthorized',
    );
  });

  it('config.get returns the resolved config; the token only over serial', () => {
    const s = createMachine({ ...starterConfig(DOIT), websocket: { authToken: 'tok-0123456789abcdef' } });
    const authed = run(s, { id: 0, op: 'auth', token: 'tok-0123456789abcdef' }).state;
    const overWs = run(authed, { id: 1, op: 'config.get' });
    const cfg = overWs.response.ok
      ? (overWs.response.result as { config: { websocket: Record<string, unknown> } }).config
      : null;
    expect(cfg?.websocket.port).toBe(81);
    expect(cfg?.websocket).not.toHaveProperty('authToken');
    const overSerial = run(authed, { id: 2, op: 'config.get' }, serial);
    expect(overSerial.response).toMatchObject({
      ok: true,
      result: { config: { websocket: { authToken: 'tok-0123456789abcdef' } } },
    });
    expect(s.config.websocket.authToken).toBe('tok-0123456789abcdef');
  });
});

describe('applyInput', () => {
  it('button edges emit events; a repeated level does not', () => {
    const a = applyInput(starter(), { kind: 'button', button: 'boot', pressed: true });
    expect(a.events).toEqual([{ t: 'evt', ev: 'button', button: 'boot', pressed: true }]);
    expect(a.state.snapshot.buttons.boot).toBe(true);
    const b = applyInput(deepFreeze(a.state), { kind: 'button', button: 'boot', pressed: true });
    expect(b.events).toEqual([]);
    expect(b.state).toBe(a.state);
  });

  it('sensor samples update the snapshot and scale the value', () => {
    const r = applyInput(starter(), { kind: 'sensor-sample', sensor: 'light', raw: 4095 });
    expect(r.events).toEqual([{ t: 'evt', ev: 'sensor', sensor: 'light', raw: 4095, value: 3.3 }]);
    const half = applyInput(starter(), { kind: 'sensor-sample', sensor: 'light', raw: 2048 });
    expect(half.state.snapshot.sensors.light).toEqual({ raw: 2048, value: 1.650403 });
  });

  it('unknown targets and out-of-range samples are reported, state unchanged', () => {
    const s = starter();
    expect(applyInput(s, { kind: 'button', button: 'x', pressed: true })).toMatchObject({
      state: s,
      error: { code: 'unknown_target' },
    });
    expect(applyInput(s, { kind: 'sensor-sample', sensor: 'x', raw: 1 }).error?.code).toBe('unknown_target');
    expect(applyInput(s, { kind: 'sensor-sample', sensor: 'light', raw: 4096 }).error?.code).toBe(
      'bad_param',
    );
    expect(applyInput(s, { kind: 'sensor-sample', sensor: 'light', raw: 1.5 }).error?.code).toBe('bad_param');
  });

  it('client-disconnected drops that slot subscriptions only', () => {
    const a = run(starter(), { id: 1, op: 'sensor.subscribe', sensor: 'light', hz: 5 }).state;
    const b = run(a, { id: 1, op: 'sensor.subscribe', sensor: 'light', hz: 5 }, ws1).state;
    expect(applyInput(b, { kind: 'client-disconnected', client: 0 }).state.subscriptions).toEqual({
      1: { light: 5 },
    });
  });
});

describe('legacy text and hello', () => {
  it('legacyStep drives the first LED with a legacy cause and the tutorial reply', () => {
    const r = legacyStep(starter(), 'on', ws1);
    expect(r.reply).toBe('LED is now ON');
    expect(r.events).toEqual([{ t: 'evt', ev: 'led', led: 'status', on: true, by: 'legacy:1' }]);
    const off = legacyStep(
      createMachine({ ...starterConfig(DOIT), websocket: { legacyText: false } }),
      'on',
      ws0,
    );
    expect(off.reply).toBeNull();
    expect(off.events).toEqual([]);
  });

  it('buildHello / buildAuthRequired', () => {
    const s = starter();
    const hello = buildHello(s, ws0.identity);
    expect(hello).toMatchObject({ t: 'hello', proto: 1, device: 'esphil-a1b2c3', boot: 'b00t', seq: 0 });
    expect(hello.state).toEqual(s.snapshot);
    expect(hello.caps).toEqual(s.caps);
    expect(buildAuthRequired(s)).toBeNull();
    const locked = createMachine({
      ...starterConfig(DOIT),
      websocket: { authToken: 't-0123456789abcdef', authDeadlineMs: 3000 },
    });
    expect(buildAuthRequired(locked)).toEqual({ t: 'auth_required', proto: 1, deadlineMs: 3000 });
  });

  it('requests without a valid id are bad_request with id null', () => {
    for (const id of [-1, 1.5, '1', 2 ** 32]) {
      expect(run(starter(), { id, op: 'ping' }).response).toMatchObject({
        id: null,
        ok: false,
        error: { code: 'bad_request' },
      });
    }
  });
});
