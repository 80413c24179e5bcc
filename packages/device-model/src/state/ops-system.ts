import {
  type InfoRequest,
  LOG_LEVELS,
  type LogLevel,
  type LogLevelRequest,
  type PingRequest,
  type RebootRequest,
  type StateGetRequest,
} from '@esphil/protocol';
import { REBOOT_DELAY_MS } from './constants';
import { fail, ok } from './respond';
import { changed, only } from './result';
import type { MachineState, StepContext, StepResult } from './types';

export function ping(state: MachineState, req: PingRequest, ctx: StepContext): StepResult {
  if (req.ts !== undefined && (typeof req.ts !== 'number' || !Number.isFinite(req.ts))) {
    return only(state, fail(req, 'bad_param', "'ts' must be a number when given"));
  }
  const result: { ts?: number; uptimeMs: number } = { uptimeMs: ctx.uptimeMs };
  if (req.ts !== undefined) result.ts = req.ts;
  return only(state, ok(req, 'ping', result));
}

export function info(state: MachineState, req: InfoRequest, ctx: StepContext): StepResult {
  const id = ctx.identity;
  return only(
    state,
    ok(req, 'info', {
      fw: id.fw,
      board: id.board,
      device: id.device,
      boot: id.boot,
      uptimeMs: ctx.uptimeMs,
      heapFree: ctx.heapFree,
      rssi: ctx.rssi,
      ip: ctx.ip,
      clients: ctx.clients,
    }),
  );
}

export function stateGet(state: MachineState, req: StateGetRequest): StepResult {
  return only(state, ok(req, 'state.get', structuredClone(state.snapshot)));
}

export function reboot(state: MachineState, req: RebootRequest): StepResult {
  return changed(
    state,
    ok(req, 'reboot', { inMs: REBOOT_DELAY_MS }),
    [],
    [{ kind: 'reboot', afterMs: REBOOT_DELAY_MS }],
  );
}

export function logLevel(state: MachineState, req: LogLevelRequest): StepResult {
  if (typeof req.level !== 'string' || !LOG_LEVELS.includes(req.level as LogLevel)) {
    return only(state, fail(req, 'bad_param', `'level' must be one of ${LOG_LEVELS.join(', ')}`));
  }
  const next: MachineState = { ...state, snapshot: { ...state.snapshot, logLevel: req.level } };
  return changed(next, ok(req, 'log.level', { level: req.level }));
}
