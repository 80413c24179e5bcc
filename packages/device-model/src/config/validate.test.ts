import { describe, expect, it } from 'vitest';
import { BOARD_IDS } from '../boards/profiles';
import { resolveConfig } from './resolve';
import { starterConfig } from './starter';
import type { DeviceConfig, Diagnostic } from './types';
import { validateConfig } from './validate';

const DOIT = 'esp32-doit-devkit-v1' as const;
const base = (extra: Partial<DeviceConfig> = {}): DeviceConfig => ({ version: 1, board: DOIT, ...extra });
const errors = (input: unknown): Diagnostic[] =>
  validateConfig(input).diagnostics.filter((d) => d.severity === 'error');
const warnings = (input: unknown): Diagnostic[] =>
  validateConfig(input).diagnostics.filter((d) => d.severity === 'warning');

/** The one error a case must produce: code, path, the pin named in the message, and a hint. */
function expectOnlyError(input: unknown, code: string, path: string, pin?: number): Diagnostic {
  const errs = errors(input);
  expect(errs.map((e) => `${e.code}@${e.path}`)).toEqual([`${code}@${path}`]);
  const e = errs[0]!;
  if (pin !== undefined) {
    expect(e.pin).toBe(pin);
    expect(e.message).toContain(`GPIO${pin}`);
  }
  expect(e.hint.length).toBeGreaterThan(10);
  expect(validateConfig(input).config).toBeUndefined();
  return e;
}

describe('starter configs', () => {
  it.each(BOARD_IDS)('%s validates with zero errors', (board) => {
    const result = validateConfig(starterConfig(board));
    expect(errors(starterConfig(board))).toEqual([]);
    expect(result.config).toEqual(resolveConfig(starterConfig(board)));
  });

  it('DOIT starter: the documented pins, and only the GPIO2 strapping warning', () => {
    const c = starterConfig(DOIT);
    expect(c.leds).toEqual([{ name: 'status', pin: 2 }]);
    expect(c.pwm).toEqual([{ name: 'fan', pin: 18, freq: 5000, bits: 10 }]);
    expect(c.buttons).toEqual([{ name: 'boot', pin: 4, pull: 'up', activeLow: true }]);
    expect(c.sensors).toEqual([{ name: 'light', pin: 34, unit: 'V', scale: 3.3 / 4095 }]);
    expect(warnings(c).map((w) => `${w.code}@${w.path}`)).toEqual(['pin.strapping@leds[0].pin']);
  });
});

describe('hardware rules (one case each)', () => {
  it('an auth token shorter than 16 characters is a config error (PROTOCOL.md 8.1)', () => {
    const e = expectOnlyError(
      base({ websocket: { authToken: 'x'.repeat(15) } }),
      'config.range',
      'websocket.authToken',
    );
    expect(e.hint).toContain('16');
    expect(errors(base({ websocket: { authToken: 'x'.repeat(16), legacyText: false } }))).toEqual([]);
  });

  it('sensor maxHz lies in MIN_SENSOR_HZ..MAX_SENSOR_HZ (PROTOCOL.md 5.1)', () => {
    const sensor = (maxHz: number) => base({ sensors: [{ name: 'light', pin: 34, maxHz }] });
    expectOnlyError(sensor(1e-300), 'config.range', 'sensors[0].maxHz');
    expectOnlyError(sensor(1001), 'config.range', 'sensors[0].maxHz');
    expect(errors(sensor(0.1))).toEqual([]);
    expect(errors(sensor(1000))).toEqual([]);
  });

  it('unknown pin', () => {
    const e = expectOnlyError(base({ leds: [{ name: 'a', pin: 20 }] }), 'pin.unknown', 'leds[0].pin', 20);
    expect(e.hint).toContain('18');
    expectOnlyError(base({ leds: [{ name: 'a', pin: 100 }] }), 'pin.unknown', 'leds[0].pin', 100);
    expect(errors(base({ leds: [{ name: 'a', pin: -1 }] })).map((d) => d.code)).toEqual(['config.range']);
  });

  it('flash pin', () => {
    expectOnlyError(base({ leds: [{ name: 'a', pin: 6 }] }), 'pin.flash', 'leds[0].pin', 6);
    expectOnlyError(
      { version: 1, board: 'esp32-s3-devkitc-1', leds: [{ name: 'a', pin: 30 }] },
      'pin.flash',
      'leds[0].pin',
      30,
    );
  });

  it('PSRAM pin on a PSRAM module is an error; a DevKitC GPIO16 only warns', () => {
    expectOnlyError(
      { version: 1, board: 'esp32-s3-devkitc-1', leds: [{ name: 'a', pin: 35 }] },
      'pin.psram',
      'leds[0].pin',
      35,
    );
    const c = { version: 1, board: 'esp32-devkitc', leds: [{ name: 'a', pin: 16 }] };
    expect(errors(c)).toEqual([]);
    expect(warnings(c).map((w) => w.code)).toEqual(['pin.psram-variant']);
  });

  it('output on an input-only pin', () => {
    const e = expectOnlyError(base({ leds: [{ name: 'a', pin: 36 }] }), 'pin.input-only', 'leds[0].pin', 36);
    expect(e.message).toContain("'a'");
  });

  it('PWM on a pin without PWM', () => {
    expectOnlyError(base({ pwm: [{ name: 'a', pin: 39 }] }), 'pwm.no-pwm-pin', 'pwm[0].pin', 39);
  });

  it('a pin used twice (across kinds)', () => {
    const e = expectOnlyError(
      base({ leds: [{ name: 'a', pin: 18 }], pwm: [{ name: 'b', pin: 18 }] }),
      'pin.duplicate',
      'pwm[0].pin',
      18,
    );
    expect(e.message).toContain("'a'");
  });

  it('ADC2 sensor with WiFi on; fine with WiFi off', () => {
    expectOnlyError(base({ sensors: [{ name: 's', pin: 25 }] }), 'adc2.wifi', 'sensors[0].pin', 25);
    expect(errors(base({ wifi: false, sensors: [{ name: 's', pin: 25 }] }))).toEqual([]);
  });

  it('sensor on a pin without ADC', () => {
    expectOnlyError(base({ sensors: [{ name: 's', pin: 23 }] }), 'adc.no-adc-pin', 'sensors[0].pin', 23);
  });

  it('infeasible frequency x resolution (names the limit)', () => {
    const e = expectOnlyError(
      base({ pwm: [{ name: 'a', pin: 18, freq: 5000, bits: 14 }] }),
      'pwm.infeasible',
      'pwm[0].bits',
      18,
    );
    expect(e.hint).toContain('13 bits');
    expect(errors(base({ pwm: [{ name: 'a', pin: 18, freq: 5000, bits: 13 }] }))).toEqual([]);
  });

  it('resolution beyond the chip (15 bits on an S3)', () => {
    expectOnlyError(
      { version: 1, board: 'esp32-s3-devkitc-1', pwm: [{ name: 'a', pin: 18, freq: 100, bits: 15 }] },
      'pwm.infeasible',
      'pwm[0].bits',
      18,
    );
  });

  it('initial duty beyond the resolution', () => {
    expectOnlyError(
      base({ pwm: [{ name: 'a', pin: 18, bits: 8, initialDuty: 256 }] }),
      'pwm.duty-range',
      'pwm[0].initialDuty',
      18,
    );
  });

  it('more PWM outputs than channels (C3 has 6)', () => {
    const pins = [0, 1, 2, 3, 4, 5, 6];
    const e = expectOnlyError(
      {
        version: 1,
        board: 'esp32-c3-devkitm-1',
        wifi: false,
        pwm: pins.map((p) => ({ name: `p${p}`, pin: p })),
      },
      'pwm.too-many',
      'pwm[6]',
      6,
    );
    expect(e.message).toContain('6 LEDC channels');
  });

  it('timer conflict under arduino-esp32 2.x pairing (explicit channels 0 and 1, different freq)', () => {
    const e = expectOnlyError(
      base({
        core: '2.x',
        pwm: [
          { name: 'a', pin: 18, freq: 5000, channel: 0 },
          { name: 'b', pin: 19, freq: 1000, channel: 1 },
        ],
      }),
      'ledc.timer-conflict',
      'pwm[1].channel',
      19,
    );
    expect(e.message).toContain("'a'");
    // Same setup on the pair, or 3.x (no fixed pairing), is fine.
    expect(
      errors(
        base({
          core: '2.x',
          pwm: [
            { name: 'a', pin: 18, channel: 0 },
            { name: 'b', pin: 19, channel: 1 },
          ],
        }),
      ),
    ).toEqual([]);
    expect(
      errors(
        base({
          core: '3.x',
          pwm: [
            { name: 'a', pin: 18, freq: 5000, channel: 0 },
            { name: 'b', pin: 19, freq: 1000, channel: 1 },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('pull resistor requested on 34-39 (including the default pull-up)', () => {
    expectOnlyError(base({ buttons: [{ name: 'b', pin: 35 }] }), 'pin.no-pull', 'buttons[0].pin', 35);
    expectOnlyError(
      base({ buttons: [{ name: 'b', pin: 35, pull: 'down' }] }),
      'pin.no-pull',
      'buttons[0].pin',
      35,
    );
    expect(errors(base({ buttons: [{ name: 'b', pin: 35, pull: 'none' }] }))).toEqual([]);
  });

  it('duplicate names (across kinds)', () => {
    expectOnlyError(
      base({ leds: [{ name: 'x', pin: 2 }], buttons: [{ name: 'x', pin: 4 }] }),
      'name.duplicate',
      'buttons[0].name',
      4,
    );
  });

  it('warns on strapping pins', () => {
    for (const pin of [0, 2, 5, 12, 15]) {
      const c = { version: 1, board: 'esp32-devkitc', leds: [{ name: 'a', pin }] };
      expect(errors(c)).toEqual([]);
      const w = warnings(c).find((d) => d.code === 'pin.strapping');
      expect(w, `GPIO${pin}`).toMatchObject({ path: 'leds[0].pin', pin });
      expect(w?.message).toContain(`GPIO${pin}`);
    }
    expect(
      warnings({ version: 1, board: 'esp32-c3-devkitm-1', leds: [{ name: 'a', pin: 9 }] }).map((w) => w.code),
    ).toContain('pin.strapping');
  });

  it('warns on UART0 pins', () => {
    const c = base({ leds: [{ name: 'a', pin: 1 }] });
    expect(errors(c)).toEqual([]);
    expect(warnings(c).map((w) => `${w.code}@${w.path}`)).toEqual(['pin.uart0@leds[0].pin']);
  });

  it('warns on native USB pins and pins off the headers', () => {
    expect(
      warnings({ version: 1, board: 'esp32-s3-devkitc-1', leds: [{ name: 'a', pin: 19 }] }).map(
        (w) => w.code,
      ),
    ).toContain('pin.usb');
    expect(warnings(base({ buttons: [{ name: 'b', pin: 0 }] })).map((w) => w.code)).toEqual([
      'pin.strapping',
      'pin.not-exposed',
    ]);
  });
});

describe('websocket warnings', () => {
  it('heartbeat timeout not below the interval', () => {
    const c = base({ websocket: { heartbeat: { intervalMs: 1000, timeoutMs: 1000, failures: 2 } } });
    expect(errors(c)).toEqual([]);
    expect(warnings(c).map((w) => `${w.code}@${w.path}`)).toEqual([
      'websocket.heartbeat@websocket.heartbeat.timeoutMs',
    ]);
  });
  it('auth token with legacy text on (tutorial clients cannot authenticate)', () => {
    const c = base({ leds: [{ name: 'a', pin: 23 }], websocket: { authToken: 'tok-0123456789abcdef' } });
    expect(warnings(c).map((w) => w.code)).toEqual(['websocket.legacy-auth']);
    expect(
      warnings(
        base({
          leds: [{ name: 'a', pin: 23 }],
          websocket: { authToken: 'tok-0123456789abcdef', legacyText: false },
        }),
      ),
    ).toEqual([]);
  });
});

describe('shape errors (with paths)', () => {
  it('non-objects and missing basics', () => {
    expect(errors(null).map((e) => e.code)).toEqual(['config.type']);
    expect(errors([]).map((e) => e.code)).toEqual(['config.type']);
    expect(errors({}).map((e) => `${e.code}@${e.path}`)).toEqual([
      'config.missing@version',
      'config.missing@board',
    ]);
    expect(errors({ version: 2, board: 'esp8266' }).map((e) => `${e.code}@${e.path}`)).toEqual([
      'config.version@version',
      'board.unknown@board',
    ]);
  });

  it('wrong field types name the field', () => {
    const errs = errors({
      version: 1,
      board: DOIT,
      wifi: 'yes',
      leds: [{ name: 'a', pin: '2' }],
      pwm: [{ name: 'b', pin: 18, freq: 1.5 }],
      buttons: [{ name: 'c', pin: 4, pull: 'sideways' }],
      sensors: 'none',
      websocket: { port: 0, heartbeat: { intervalMs: 1000 } },
    });
    expect(errs.map((e) => `${e.code}@${e.path}`)).toEqual([
      'config.type@wifi',
      'config.type@leds[0].pin',
      'config.type@pwm[0].freq',
      'config.enum@buttons[0].pull',
      'config.type@sensors',
      'config.range@websocket.port',
      'config.missing@websocket.heartbeat.timeoutMs',
      'config.missing@websocket.heartbeat.failures',
    ]);
  });

  it('invalid names and unknown keys', () => {
    const r = validateConfig(base({ leds: [{ name: 'Bad Name', pin: 2 }] }));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['name.invalid']);
    const w = validateConfig({ ...base(), leds: [{ name: 'a', pin: 23, colour: 'red' }] });
    expect(w.diagnostics.map((d) => `${d.severity} ${d.code}@${d.path}`)).toEqual([
      'error config.unknown-key@leds[0].colour',
    ]);
  });

  it('a misspelt top-level key is an error with a did-you-mean hint (one policy with bench files)', () => {
    const r = validateConfig({ ...base(), buttns: [{ name: 'b', pin: 4 }] });
    const d = r.diagnostics.find((x) => x.code === 'config.unknown-key');
    expect(d).toMatchObject({ severity: 'error', path: 'buttns' });
    expect(d?.hint).toMatch(/^did you mean 'buttons'\?/);
  });

  it('list length and origin format limits', () => {
    const many = Array.from({ length: 17 }, (_, i) => ({ name: `l${i}`, pin: 2 }));
    expect(errors(base({ leds: many })).map((e) => e.code)).toEqual(['config.too-many']);
    expect(
      errors(base({ websocket: { allowedOrigins: ['http://ok.local:8080', 'not an origin'] } })).map(
        (e) => e.path,
      ),
    ).toEqual(['websocket.allowedOrigins[1]']);
  });

  it('broken entries are dropped before the hardware rules, so one pass reports everything', () => {
    const errs = errors(
      base({
        leds: [
          { name: 'a', pin: 'x' as unknown as number },
          { name: 'b', pin: 6 },
        ],
      }),
    );
    expect(errs.map((e) => `${e.code}@${e.path}`)).toEqual([
      'config.type@leds[0].pin',
      'pin.flash@leds[1].pin',
    ]);
  });

  it('a resolved config validates to itself (config.get output can be config.set back)', () => {
    const resolved = resolveConfig({ ...starterConfig(DOIT), websocket: { authToken: 'secret-0123456789' } });
    expect(validateConfig(resolved).config).toEqual(resolved);
  });

  it('hostile inputs are reported, not thrown', () => {
    const hostile = {
      version: 1,
      get board(): string {
        throw new Error('boom');
      },
    };
    expect(errors(hostile).map((e) => e.code)).toEqual(['config.unreadable']);
  });
});
