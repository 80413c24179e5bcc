import type { Response, UnsequencedEvent } from '@esphil/protocol';
import type { Effect, MachineState, StepResult } from './types';

/** A step that changes nothing: the state object is returned as is. */
export function only(state: MachineState, response: Response): StepResult {
  return { state, response, events: [], effects: [] };
}

export function changed(
  state: MachineState,
  response: Response,
  events: UnsequencedEvent[] = [],
  effects: Effect[] = [],
): StepResult {
  return { state, response, events, effects };
}
