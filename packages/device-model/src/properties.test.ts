import { ERROR_CODES, OPS, type Request } from '@esphil/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOARD_IDS } from './boards/profiles';
import { starterConfig } from './config/starter';
import { validateConfig } from './config/validate';
import { dutyToRaw, pwmFraction } from './ledc/duty';
import { createMachine } from './state/create';
import { applyInput } from './state/input';
import { step } from './state/step';
import { ctxFor, deepFreeze } from './state/test-helpers';
import type { Input, MachineState, Origin } from './state/types';

const names = fc.constantFrom('status', 'fan', 'boot', 'light', 'nope', '', 'FAN');
const anyValue = fc.oneof(
  fc.integer({ min: -5, max: 5000 }),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom('debug', 'info', 's3cret-token-0123'),
);
const request = fc.record(
  {
    id: fc.oneof(fc.nat(), fc.constant(-1), fc.string({ maxLength: 3 })),
    op: fc.oneof(fc.constantFrom(...OPS), fc.string({ maxLength: 10 })),
    led: names,
    ch: names,
    sensor: names,
    on: anyValue,
    duty: anyValue,
    raw: anyValue,
    freq: anyValue,
    bits: anyValue,
    hz: anyValue,
    level: anyValue,
    token: anyValue,
    ts: anyValue,
    config: fc.oneof(anyValue, fc.constant(starterConfig('esp32-c3-devkitm-1'))),
  },
  { requiredKeys: ['id', 'op'] },
);
const origin: fc.Arbitrary<Origin> = fc.oneof(
  fc.record({ kind: fc.constant('ws' as const), client: fc.integer({ min: 0, max: 4 }) }),
  fc.constant({ kind: 'serial' as const }),
);
const input: fc.Arbitrary<Input> = fc.oneof(
  fc.record({ kind: fc.constant('button' as const), button: names, pressed: fc.boolean() }),
  fc.record({
    kind: fc.constant('sensor-sample' as const),
    sensor: names,
    raw: fc.integer({ min: -10, max: 5000 }),
  }),
  fc.record({ kind: fc.constant('client-disconnected' as const), client: fc.integer({ min: 0, max: 4 }) }),
);
const boots = [
  createMachine(starterConfig('esp32-doit-devkit-v1')),
  createMachine({
    ...starterConfig('esp32-devkitc'),
    core: '2.x',
    websocket: { authToken: 's3cret-token-0123' },
  }),
];

describe('state machine properties', () => {
  it('step never throws, never mutates its input, always answers a known code (never internal)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...boots),
        fc.array(fc.oneof(fc.tuple(request, origin), input), { maxLength: 12 }),
        (boot, actions) => {
          let state: MachineState = deepFreeze(structuredClone(boot));
          for (const action of actions) {
            if (Array.isArray(action)) {
              const [req, from] = action;
              const before = JSON.stringify(state);
              const r = step(state, req as unknown as Request, ctxFor(from));
              expect(JSON.stringify(state)).toBe(before);
              expect(r.response.t).toBe('res');
              if (!r.response.ok) {
                expect(ERROR_CODES).toContain(r.response.error.code);
                expect(r.response.error.code).not.toBe('internal');
              }
              state = deepFreeze(r.state);
            } else {
              state = deepFreeze(applyInput(state, action).state);
            }
            for (const [ch, pwm] of Object.entries(state.snapshot.pwm)) {
              expect(pwm.duty, ch).toBeGreaterThanOrEqual(0);
              expect(pwm.duty, ch).toBeLessThanOrEqual(2 ** pwm.bits - 1);
              expect(pwm.freq * 2 ** pwm.bits).toBeLessThanOrEqual(80_000_000);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('duty conversions', () => {
  it('raw -> fraction -> raw is exact; fraction -> raw is within one count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (bits, f, r) => {
          const full = 2 ** bits;
          const raw = r % full;
          expect(dutyToRaw(pwmFraction(raw, bits), bits)).toBe(raw);
          const counts = dutyToRaw(f, bits);
          expect(Math.abs(counts - f * full)).toBeLessThanOrEqual(1);
          // Effective duty: within one count, except the step onto full on (up to 1.5 counts).
          const back = pwmFraction(counts, bits);
          const limit = counts === full - 1 && bits > 1 ? 1.5 / full : 1 / full;
          expect(Math.abs(back - f)).toBeLessThanOrEqual(limit + 1e-12);
        },
      ),
    );
  });
});

describe('validateConfig properties', () => {
  it('never throws on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const r = validateConfig(v);
        expect(Array.isArray(r.diagnostics)).toBe(true);
        expect(r.config).toBeUndefined();
      }),
    );
  });

  it('never throws on near-valid configs; an accepted config boots', () => {
    const entry = fc.record(
      {
        name: fc.oneof(fc.constantFrom('a', 'b', 'c', 'd'), fc.string({ maxLength: 4 })),
        pin: fc.oneof(fc.integer({ min: -1, max: 50 }), anyValue),
        freq: fc.oneof(fc.integer({ min: 1, max: 100_000 }), anyValue),
        bits: fc.oneof(fc.integer({ min: 0, max: 21 }), anyValue),
        channel: fc.integer({ min: 0, max: 16 }),
        pull: fc.constantFrom('up', 'down', 'none', 'x'),
        maxHz: anyValue,
        scale: anyValue,
      },
      { requiredKeys: ['name', 'pin'] },
    );
    const config = fc.record(
      {
        version: fc.constantFrom(1, 1, 2),
        board: fc.constantFrom(...BOARD_IDS, 'x'),
        core: fc.constantFrom('2.x', '3.x', '4.x'),
        wifi: fc.boolean(),
        leds: fc.array(entry, { maxLength: 3 }),
        pwm: fc.array(entry, { maxLength: 8 }),
        buttons: fc.array(entry, { maxLength: 3 }),
        sensors: fc.array(entry, { maxLength: 3 }),
        websocket: fc.oneof(
          anyValue,
          fc.record({ port: anyValue, authToken: anyValue, heartbeat: anyValue }),
        ),
      },
      { requiredKeys: ['version', 'board'] },
    );
    fc.assert(
      fc.property(config, (c) => {
        const r = validateConfig(c);
        const hasError = r.diagnostics.some((d) => d.severity === 'error');
        expect(r.config === undefined).toBe(hasError);
        for (const d of r.diagnostics)
          expect(d.message.length > 0 && d.hint.length > 0 && d.code.length > 0).toBe(true);
        if (r.config) expect(() => createMachine(r.config!)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
