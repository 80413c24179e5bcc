/** Runs state-machine conformance vectors against the TS machine (the C++ firmware has its own runner). */
import type { Request } from '@esphil/protocol';
import type { DeviceConfig } from '../config/types';
import { createMachine } from '../state/create';
import { applyInput } from '../state/input';
import { legacyStep } from '../state/legacy';
import { step } from '../state/step';
import type { Input, MachineState, Origin, StepContext } from '../state/types';
import { mismatch, present } from './match';

export interface VectorExpect {
  response?: unknown;
  events?: unknown[];
  effects?: unknown[];
  /** Pattern for the snapshot after the step. */
  state?: unknown;
  /** Exact subscriptions after the step (client slot as a string key). */
  subscriptions?: unknown;
  authorized?: number[];
  /** The machine state (snapshot, subscriptions, authorized) is deep-equal before and after. */
  unchanged?: boolean;
  /** Dotted paths into the response that must not exist. */
  absent?: string[];
  /** Input steps: the error code applyInput reports (absent or null = none). */
  error?: string | null;
  /** Legacy steps: the text reply, or null when refused. */
  reply?: string | null;
}
export type VectorStep =
  | { from: Origin; ctx?: Partial<StepContext>; request: Record<string, unknown>; expect: VectorExpect }
  | { input: Record<string, unknown>; ctx?: Partial<StepContext>; expect: VectorExpect }
  | { from: Origin; ctx?: Partial<StepContext>; legacy: 'on' | 'off'; expect: VectorExpect };
export interface Vector {
  name: string;
  config: string | DeviceConfig;
  steps: VectorStep[];
}
export interface VectorFile {
  format: 'esphil-state-machine-vectors';
  version: 1;
  ctx: Omit<StepContext, 'from'>;
  configs: Record<string, DeviceConfig>;
  vectors: Vector[];
}

const observable = (s: MachineState): string =>
  JSON.stringify({ snapshot: s.snapshot, subscriptions: s.subscriptions, authorized: s.authorized });

/** Runs one vector; returns the first failure as "step N: ..." or null when it conforms. */
export function runVector(file: VectorFile, vector: Vector): string | null {
  const config = typeof vector.config === 'string' ? file.configs[vector.config] : vector.config;
  if (!config) return `unknown config '${String(vector.config)}'`;
  let state = createMachine(config);
  for (const [i, s] of vector.steps.entries()) {
    const at = `step ${i}`;
    const before = observable(state);
    const e = s.expect;
    let response: unknown;
    let events: unknown[];
    let effects: unknown[];
    if ('legacy' in s) {
      const r = legacyStep(state, s.legacy, { ...file.ctx, ...s.ctx, from: s.from });
      ({ response, events, effects, state } = r);
      if (e.reply !== undefined && e.reply !== r.reply) {
        return `${at}: expected reply ${JSON.stringify(e.reply)}, got ${JSON.stringify(r.reply)}`;
      }
    } else if ('request' in s) {
      const ctx: StepContext = { ...file.ctx, ...s.ctx, from: s.from };
      const r = step(state, s.request as unknown as Request, ctx);
      ({ response, events, effects, state } = r);
    } else {
      const r = applyInput(state, s.input as unknown as Input, {
        ...file.ctx,
        ...s.ctx,
        from: { kind: 'serial' },
      });
      ({ events, effects, state } = r);
      const code = r.error?.code ?? null;
      if ((e.error ?? null) !== code)
        return `${at}: expected input error ${String(e.error ?? null)}, got ${String(code)}`;
    }
    const checks: [string, unknown, unknown][] = [];
    if (e.response !== undefined) checks.push(['response', e.response, response]);
    if (e.events !== undefined) checks.push(['events', e.events, events]);
    if (e.effects !== undefined) checks.push(['effects', e.effects, effects]);
    if (e.state !== undefined) checks.push(['state', e.state, state.snapshot]);
    if (e.authorized !== undefined) checks.push(['authorized', e.authorized, state.authorized]);
    for (const [what, exp, act] of checks) {
      const m = mismatch(exp, act, what);
      if (m) return `${at}: ${m}`;
    }
    if (
      e.subscriptions !== undefined &&
      JSON.stringify(e.subscriptions) !== JSON.stringify(state.subscriptions)
    ) {
      return `${at}: subscriptions ${JSON.stringify(state.subscriptions)}, expected ${JSON.stringify(e.subscriptions)}`;
    }
    for (const path of e.absent ?? []) if (present(response, path)) return `${at}: response has ${path}`;
    if (e.unchanged && observable(state) !== before)
      return `${at}: state changed but the vector says unchanged`;
  }
  return null;
}
