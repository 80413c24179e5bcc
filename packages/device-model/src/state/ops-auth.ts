import type { AuthRequest } from '@esphil/protocol';
import { fail, ok } from './respond';
import { changed, only } from './result';
import type { MachineState, StepContext, StepResult } from './types';

/** Compares without an early exit so the time does not reveal how much of the token matched. */
export function tokensEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

/** Whether a request from this origin may run (auth itself always may). Serial is trusted: physical access. */
export function isAuthorized(state: MachineState, ctx: StepContext): boolean {
  if (!state.caps.auth || ctx.from.kind !== 'ws') return true;
  return state.authorized.includes(ctx.from.client);
}

/**
 * A wrong token answers `unauthorized`; the transport then closes the connection (1008).
 * Without a configured token, or over serial, auth always succeeds.
 */
export function auth(state: MachineState, req: AuthRequest, ctx: StepContext): StepResult {
  if (typeof req.token !== 'string') return only(state, fail(req, 'bad_param', "'token' must be a string"));
  const expected = state.config.websocket.authToken;
  if (expected === undefined || ctx.from.kind !== 'ws') return only(state, ok(req, 'auth', {}));
  if (!tokensEqual(req.token, expected)) return only(state, fail(req, 'unauthorized', 'Wrong token'));
  if (state.authorized.includes(ctx.from.client)) return only(state, ok(req, 'auth', {}));
  return changed({ ...state, authorized: [...state.authorized, ctx.from.client] }, ok(req, 'auth', {}));
}
