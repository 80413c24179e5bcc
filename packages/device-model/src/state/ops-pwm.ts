import type {
  ErrorResponse,
  PwmConfigRequest,
  PwmSetRequest,
  PwmState,
  UnsequencedEvent,
} from '@esphil/protocol';
import { getBoard } from '../boards/profiles';
import type { ResolvedPwmConfig } from '../config/types';
import { allocateLedcOutputs, type LedcRequest } from '../ledc/allocate';
import { dutyToRaw, pwmFraction, rescaleDuty } from '../ledc/duty';
import { ledcProblem } from '../ledc/feasible';
import { causeOf, fail, ok } from './respond';
import { changed, only } from './result';
import type { Effect, MachineState, StepContext, StepResult } from './types';

function findChannel(
  state: MachineState,
  req: PwmSetRequest | PwmConfigRequest,
): { cfg: ResolvedPwmConfig; live: PwmState } | ErrorResponse {
  if (typeof req.ch !== 'string') return fail(req, 'bad_param', "'ch' must be a PWM output name");
  const cfg = state.config.pwm.find((p) => p.name === req.ch);
  const live = state.snapshot.pwm[req.ch];
  if (!cfg || !live) {
    const known = state.config.pwm.map((p) => p.name).join(', ') || 'none';
    return fail(req, 'unknown_target', `No PWM output '${req.ch}' (PWM outputs: ${known})`);
  }
  return { cfg, live };
}

function applied(
  state: MachineState,
  cfg: ResolvedPwmConfig,
  pwm: PwmState,
  ctx: StepContext,
): { next: MachineState; events: UnsequencedEvent[]; effects: Effect[] } {
  const next: MachineState = {
    ...state,
    snapshot: { ...state.snapshot, pwm: { ...state.snapshot.pwm, [cfg.name]: pwm } },
  };
  return {
    next,
    // Emitted on every successful command, changed or not (see ops-led.ts).
    events: [
      {
        t: 'evt',
        ev: 'pwm',
        ch: cfg.name,
        freq: pwm.freq,
        bits: pwm.bits,
        duty: pwm.duty,
        by: causeOf(ctx.from),
      },
    ],
    effects: [
      {
        kind: 'pwm-output',
        ch: cfg.name,
        pin: cfg.pin,
        freq: pwm.freq,
        bits: pwm.bits,
        duty: pwm.duty,
        fraction: pwmFraction(pwm.duty, pwm.bits),
      },
    ],
  };
}

export function pwmSet(state: MachineState, req: PwmSetRequest, ctx: StepContext): StepResult {
  const found = findChannel(state, req);
  if ('t' in found) return only(state, found);
  const { cfg, live } = found;
  const max = 2 ** live.bits - 1;
  const hasDuty = req.duty !== undefined;
  const hasRaw = req.raw !== undefined;
  if (hasDuty === hasRaw) {
    return only(
      state,
      fail(req, 'bad_param', "Give exactly one of 'duty' (fraction 0..1) or 'raw' (counts)"),
    );
  }
  let raw: number;
  if (hasDuty) {
    const duty = req.duty;
    if (typeof duty !== 'number' || !Number.isFinite(duty) || duty < 0 || duty > 1) {
      return only(state, fail(req, 'bad_param', "'duty' must be a number from 0 to 1"));
    }
    raw = dutyToRaw(duty, live.bits);
  } else {
    const r = req.raw;
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > max) {
      return only(
        state,
        fail(
          req,
          'bad_param',
          `'raw' must be an integer from 0 to ${max} at ${live.bits} bits (${max} = 100 %)`,
        ),
      );
    }
    raw = r;
  }
  const pwm: PwmState = { freq: live.freq, bits: live.bits, duty: raw };
  const { next, events, effects } = applied(state, cfg, pwm, ctx);
  return changed(next, ok(req, 'pwm.set', { ch: cfg.name, ...pwm }), events, effects);
}

/**
 * Reprograms frequency/resolution. The timer sharing of the configured core is re-checked with the new setup:
 * under 2.x the partner channel (2n/2n+1) must keep its setup, under 3.x the group must still have a timer.
 * The duty keeps its effective fraction (full on stays full on).
 */
export function pwmConfig(state: MachineState, req: PwmConfigRequest, ctx: StepContext): StepResult {
  const found = findChannel(state, req);
  if ('t' in found) return only(state, found);
  const { cfg, live } = found;
  if (typeof req.freq !== 'number' || !Number.isInteger(req.freq) || req.freq < 1) {
    return only(state, fail(req, 'bad_param', "'freq' must be a whole number of Hz >= 1"));
  }
  if (typeof req.bits !== 'number' || !Number.isInteger(req.bits)) {
    return only(state, fail(req, 'bad_param', "'bits' must be an integer"));
  }
  const board = getBoard(state.config.board);
  if (!board) return only(state, fail(req, 'internal', `Unknown board '${state.config.board}'`));
  const problem = ledcProblem(req.freq, req.bits, board.ledc);
  if (problem) return only(state, fail(req, 'pwm_infeasible', `PWM '${cfg.name}': ${problem}`));

  // Re-run the allocator with every output pinned to its current channel and the new setup for this one.
  const requests: LedcRequest[] = state.config.pwm.map((p) => {
    const s = p.name === cfg.name ? { freq: req.freq, bits: req.bits } : (state.snapshot.pwm[p.name] ?? p);
    const a = state.ledc.find((x) => x.name === p.name);
    const r: LedcRequest = { name: p.name, pin: p.pin, freq: s.freq, bits: s.bits };
    if (a) r.channel = a.channel;
    return r;
  });
  const alloc = allocateLedcOutputs(requests, board.ledc, state.config.core);
  const conflict = alloc.diagnostics.find((d) => d.severity === 'error');
  if (conflict) return only(state, fail(req, 'pwm_infeasible', conflict.message));

  const pwm: PwmState = { freq: req.freq, bits: req.bits, duty: rescaleDuty(live.duty, live.bits, req.bits) };
  const { next, events, effects } = applied(state, cfg, pwm, ctx);
  return changed(
    { ...next, ledc: alloc.assignments },
    ok(req, 'pwm.config', { ch: cfg.name, ...pwm }),
    events,
    effects,
  );
}
