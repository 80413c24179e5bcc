import {
  type ErrorResponse,
  MIN_SENSOR_HZ,
  type SensorSubscribeRequest,
  type SensorUnsubscribeRequest,
} from '@esphil/protocol';
import type { ResolvedSensorConfig } from '../config/types';
import { fail, ok } from './respond';
import { changed, only } from './result';
import type { MachineState, StepContext, StepResult } from './types';

function target(
  state: MachineState,
  req: SensorSubscribeRequest | SensorUnsubscribeRequest,
  ctx: StepContext,
): { sensor: ResolvedSensorConfig; client: number } | ErrorResponse {
  if (ctx.from.kind !== 'ws') {
    return fail(
      req,
      'bad_param',
      'Sensor streams go to WebSocket clients only; read sensors over serial with state.get',
    );
  }
  if (typeof req.sensor !== 'string') return fail(req, 'bad_param', "'sensor' must be a sensor name");
  const sensor = state.config.sensors.find((s) => s.name === req.sensor);
  if (!sensor) {
    const known = state.config.sensors.map((s) => s.name).join(', ') || 'none';
    return fail(req, 'unknown_target', `No sensor '${req.sensor}' (sensors: ${known})`);
  }
  return { sensor, client: ctx.from.client };
}

/** Subscriptions belong to the client slot; subscribing again replaces the rate. */
export function sensorSubscribe(
  state: MachineState,
  req: SensorSubscribeRequest,
  ctx: StepContext,
): StepResult {
  const t = target(state, req, ctx);
  if ('t' in t) return only(state, t);
  const { sensor, client } = t;
  const hz = req.hz;
  if (typeof hz !== 'number' || !Number.isFinite(hz) || hz < MIN_SENSOR_HZ || hz > sensor.maxHz) {
    return only(
      state,
      fail(
        req,
        'bad_param',
        `'hz' must be at least ${MIN_SENSOR_HZ} and at most ${sensor.maxHz} for sensor '${sensor.name}'`,
      ),
    );
  }
  const mine = { ...(state.subscriptions[client] ?? {}), [sensor.name]: req.hz };
  const next: MachineState = { ...state, subscriptions: { ...state.subscriptions, [client]: mine } };
  return changed(next, ok(req, 'sensor.subscribe', { sensor: sensor.name, hz: req.hz }));
}

/** Unsubscribing a sensor the client does not follow is fine (idempotent). */
export function sensorUnsubscribe(
  state: MachineState,
  req: SensorUnsubscribeRequest,
  ctx: StepContext,
): StepResult {
  const t = target(state, req, ctx);
  if ('t' in t) return only(state, t);
  const { sensor, client } = t;
  const current = state.subscriptions[client];
  if (!current || !(sensor.name in current))
    return only(state, ok(req, 'sensor.unsubscribe', { sensor: sensor.name }));
  const { [sensor.name]: _dropped, ...rest } = current;
  const subscriptions = { ...state.subscriptions };
  if (Object.keys(rest).length === 0) delete subscriptions[client];
  else subscriptions[client] = rest;
  return changed({ ...state, subscriptions }, ok(req, 'sensor.unsubscribe', { sensor: sensor.name }));
}
