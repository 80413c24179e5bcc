import type { LedSetRequest, LedToggleRequest } from '@esphil/protocol';
import { ledLevel } from './create';
import { causeOf, fail, ok } from './respond';
import { changed, only } from './result';
import type { MachineState, StepContext, StepResult } from './types';

/**
 * Every successful set emits an `led` event, even when the LED already had that state: every client sees every
 * command (and who sent it), and the hardware write is idempotent.
 */
function setLed(
  state: MachineState,
  req: LedSetRequest | LedToggleRequest,
  ctx: StepContext,
  on: (current: boolean) => boolean,
): StepResult {
  const op = req.op;
  if (typeof req.led !== 'string') return only(state, fail(req, 'bad_param', "'led' must be an LED name"));
  const cfg = state.config.leds.find((l) => l.name === req.led);
  const current = state.snapshot.leds[req.led];
  if (!cfg || current === undefined) {
    const known = state.config.leds.map((l) => l.name).join(', ') || 'none';
    return only(state, fail(req, 'unknown_target', `No LED '${req.led}' (LEDs: ${known})`));
  }
  const value = on(current);
  const next: MachineState = {
    ...state,
    snapshot: { ...state.snapshot, leds: { ...state.snapshot.leds, [cfg.name]: value } },
  };
  return changed(
    next,
    ok(req, op, { led: cfg.name, on: value }),
    [{ t: 'evt', ev: 'led', led: cfg.name, on: value, by: causeOf(ctx.from) }],
    [{ kind: 'led-output', led: cfg.name, pin: cfg.pin, on: value, level: ledLevel(value, cfg.activeLow) }],
  );
}

export function ledSet(state: MachineState, req: LedSetRequest, ctx: StepContext): StepResult {
  if (typeof req.on !== 'boolean') return only(state, fail(req, 'bad_param', "'on' must be true or false"));
  return setLed(state, req, ctx, () => req.on);
}

export function ledToggle(state: MachineState, req: LedToggleRequest, ctx: StepContext): StepResult {
  return setLed(state, req, ctx, (current) => !current);
}
