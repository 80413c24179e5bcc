/**
 * Runs device-model's state-machine conformance vectors through a DeviceBackend (the interface, not the
 * machine), so every backend (the TypeScript one, the firmware's native executable) is held to the same file.
 * Requests go in as raw frames (`handleFrame`), legacy steps as `LED ON` / `LED OFF`, inputs via `handleInput`.
 * Checks what the backend interface exposes: response, reply, events, effects, snapshot (`state`), `absent`,
 * and `unchanged` on the snapshot. Subscriptions, authorized slots and input error codes are internal to a
 * backend and are left to the machine's own runner.
 *
 * On the wire the codec runs before the machine (PROTOCOL.md 6.3). A vector request the codec already refuses
 * (the machine vectors may feed requests no decoder would pass) is checked against the codec's error instead,
 * and reported in `preempted`, so a disagreement between the two packages is visible rather than hidden.
 */
import {
  type DeviceConfig,
  type Input,
  mismatch,
  present,
  type StepContext,
  type Vector,
  type VectorFile,
} from '@esphil/device-model';
import { decodeRequest, LEGACY_LED_OFF, LEGACY_LED_ON } from '@esphil/protocol';
import type { BackendOutput, DeviceBackendFactory } from './backend';

export interface BackendVectorResult {
  name: string;
  /** First failure ("step N: ..."), or null when the backend conforms. */
  failure: string | null;
  /** Steps whose request the wire codec refuses before the machine sees it: "step N: code (vector expected ...)". */
  preempted: string[];
}

export async function runBackendVector(
  factory: DeviceBackendFactory,
  file: VectorFile,
  vector: Vector,
): Promise<BackendVectorResult> {
  const preempted: string[] = [];
  const failure = await run(factory, file, vector, preempted);
  return { name: vector.name, failure, preempted };
}

async function run(
  factory: DeviceBackendFactory,
  file: VectorFile,
  vector: Vector,
  preempted: string[],
): Promise<string | null> {
  const config: DeviceConfig | undefined =
    typeof vector.config === 'string' ? file.configs[vector.config] : vector.config;
  if (!config) return `unknown config '${String(vector.config)}'`;
  const backend = factory();
  try {
    await backend.start(config, file.ctx.identity);
    for (const [i, s] of vector.steps.entries()) {
      const at = `step ${i}`;
      const e = s.expect;
      const before = JSON.stringify(await backend.snapshot());
      let response: unknown;
      let out: BackendOutput;
      if ('request' in s) {
        const ctx: StepContext = { ...file.ctx, ...s.ctx, from: s.from };
        out = await backend.handleFrame(JSON.stringify(s.request), s.from, ctx);
        try {
          response = out.reply === null ? null : JSON.parse(out.reply);
        } catch {
          return `${at}: reply is not JSON: ${out.reply}`;
        }
      } else if ('legacy' in s) {
        const ctx: StepContext = { ...file.ctx, ...s.ctx, from: s.from };
        out = await backend.handleFrame(s.legacy === 'on' ? LEGACY_LED_ON : LEGACY_LED_OFF, s.from, ctx);
        if (e.reply !== undefined && e.reply !== out.reply) {
          return `${at}: expected reply ${JSON.stringify(e.reply)}, got ${JSON.stringify(out.reply)}`;
        }
      } else {
        const ctx: StepContext = { ...file.ctx, ...s.ctx, from: { kind: 'serial' } };
        out = await backend.handleInput(s.input as unknown as Input, ctx);
      }
      const checks: [string, unknown, unknown][] = [];
      let expectedResponse = e.response;
      if ('request' in s) {
        const decoded = decodeRequest(JSON.stringify(s.request));
        if (!decoded.ok) {
          const wanted = (e.response as { error?: { code?: string } } | undefined)?.error?.code;
          if (wanted !== decoded.error.code) {
            preempted.push(
              `${at}: codec answers ${decoded.error.code} (vector expects ${String(wanted ?? 'ok')})`,
            );
          }
          expectedResponse = { t: 'res', ok: false, error: { code: decoded.error.code } };
        }
      }
      if (expectedResponse !== undefined) checks.push(['response', expectedResponse, response]);
      if (e.events !== undefined) checks.push(['events', e.events, out.events]);
      if (e.effects !== undefined) checks.push(['effects', e.effects, out.effects]);
      if (e.state !== undefined) checks.push(['state', e.state, await backend.snapshot()]);
      for (const [what, exp, act] of checks) {
        const m = mismatch(exp, act, what);
        if (m) return `${at}: ${m}`;
      }
      for (const path of e.absent ?? []) if (present(response, path)) return `${at}: response has ${path}`;
      if (e.unchanged && JSON.stringify(await backend.snapshot()) !== before) {
        return `${at}: state changed but the vector says unchanged`;
      }
    }
    return null;
  } catch (err) {
    return `backend threw: ${String(err)}`;
  } finally {
    await backend.close().catch(() => {});
  }
}

export async function runBackendVectors(
  factory: DeviceBackendFactory,
  file: VectorFile,
): Promise<BackendVectorResult[]> {
  const results: BackendVectorResult[] = [];
  for (const v of file.vectors) results.push(await runBackendVector(factory, file, v));
  return results;
}
