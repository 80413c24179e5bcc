import { LEGACY_REPLY_OFF, LEGACY_REPLY_ON } from '@esphil/protocol';
import { step } from './step';
import type { MachineState, StepContext, StepResult } from './types';

export interface LegacyResult extends StepResult {
  /** Text frame to send back ("LED is now ON"/"LED is now OFF"), or null when the command was refused. */
  reply: string | null;
}

/**
 * The tutorial's `LED ON` / `LED OFF` text (recognise it with the protocol's isLegacyText): drives the first
 * configured LED like a led.set from that slot, with `by: "legacy:<slot>"`. Refused (reply null, state unchanged)
 * when legacy text is off, there is no LED, or the slot has not passed auth. The response carries id 0.
 */
export function legacyStep(state: MachineState, command: 'on' | 'off', ctx: StepContext): LegacyResult {
  const led = state.config.leds[0];
  const from = ctx.from.kind === 'ws' ? { ...ctx.from, legacy: true } : ctx.from;
  if (!state.caps.legacyText || !led) {
    return {
      state,
      response: { t: 'res', id: 0, ok: false, error: { code: 'unknown_op', msg: 'Legacy text mode is off' } },
      events: [],
      effects: [],
      reply: null,
    };
  }
  const r = step(state, { id: 0, op: 'led.set', led: led.name, on: command === 'on' }, { ...ctx, from });
  const reply = r.response.ok ? (command === 'on' ? LEGACY_REPLY_ON : LEGACY_REPLY_OFF) : null;
  return { ...r, reply };
}
