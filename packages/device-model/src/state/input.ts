import { ADC_BITS, SENSOR_VALUE_DECIMALS } from './constants';
import type { Input, InputResult, MachineState, StepContext } from './types';

export function scaleSensor(raw: number, scale: number, offset: number): number {
  const f = 10 ** SENSOR_VALUE_DECIMALS;
  const v = Math.round((raw * scale + offset) * f) / f;
  return Object.is(v, -0) ? 0 : v;
}

/**
 * Hardware inputs. Button inputs are debounced edges (the transport/firmware debounces with debounceMs); an
 * edge that does not change the state yields no event. Every sensor sample yields a sensor event: the transport
 * sends it only to clients subscribed at a rate that wants it.
 */
export function applyInput(state: MachineState, input: Input, _ctx?: StepContext): InputResult {
  switch (input?.kind) {
    case 'button': {
      if (!(input.button in state.snapshot.buttons)) {
        return {
          state,
          events: [],
          effects: [],
          error: { code: 'unknown_target', message: `No button '${input.button}'` },
        };
      }
      if (typeof input.pressed !== 'boolean') {
        return {
          state,
          events: [],
          effects: [],
          error: { code: 'bad_param', message: "'pressed' must be true or false" },
        };
      }
      if (state.snapshot.buttons[input.button] === input.pressed) return { state, events: [], effects: [] };
      return {
        state: {
          ...state,
          snapshot: {
            ...state.snapshot,
            buttons: { ...state.snapshot.buttons, [input.button]: input.pressed },
          },
        },
        events: [{ t: 'evt', ev: 'button', button: input.button, pressed: input.pressed }],
        effects: [],
      };
    }
    case 'sensor-sample': {
      const cfg = state.config.sensors.find((s) => s.name === input.sensor);
      if (!cfg) {
        return {
          state,
          events: [],
          effects: [],
          error: { code: 'unknown_target', message: `No sensor '${input.sensor}'` },
        };
      }
      const max = 2 ** ADC_BITS - 1;
      if (typeof input.raw !== 'number' || !Number.isInteger(input.raw) || input.raw < 0 || input.raw > max) {
        return {
          state,
          events: [],
          effects: [],
          error: { code: 'bad_param', message: `Sample ${String(input.raw)} outside 0..${max}` },
        };
      }
      const reading = { raw: input.raw, value: scaleSensor(input.raw, cfg.scale, cfg.offset) };
      return {
        state: {
          ...state,
          snapshot: { ...state.snapshot, sensors: { ...state.snapshot.sensors, [cfg.name]: reading } },
        },
        events: [{ t: 'evt', ev: 'sensor', sensor: cfg.name, ...reading }],
        effects: [],
      };
    }
    case 'client-disconnected': {
      const client = input.client;
      const hadSubs = client in state.subscriptions;
      const wasAuthorized = state.authorized.includes(client);
      if (!hadSubs && !wasAuthorized) return { state, events: [], effects: [] };
      const subscriptions = { ...state.subscriptions };
      delete subscriptions[client];
      return {
        state: { ...state, subscriptions, authorized: state.authorized.filter((c) => c !== client) },
        events: [],
        effects: [],
      };
    }
    default:
      return {
        state,
        events: [],
        effects: [],
        error: {
          code: 'bad_param',
          message: `Unknown input kind '${String((input as { kind?: unknown })?.kind)}'`,
        },
      };
  }
}

/** Sensors a client slot follows and at what rate (for the transport's event fan-out). */
export function subscribersOf(state: MachineState, sensor: string): { client: number; hz: number }[] {
  return Object.entries(state.subscriptions)
    .map(([client, subs]) => ({ client: Number(client), hz: subs[sensor] }))
    .filter((s): s is { client: number; hz: number } => s.hz !== undefined);
}
