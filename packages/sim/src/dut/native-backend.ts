/**
 * DeviceBackend backed by the firmware's native executable (apps/firmware: the C++ core built for the host with
 * its hardware simulated), so the whole sim (and the HIL suites on it) can run against the real firmware logic.
 *
 * Line protocol (apps/firmware/README.md): one JSON command per stdin line, one JSON answer per stdout line.
 *   {"cmd":"start","config":{...},"identity":{...}}       -> {"ok":true,"caps","state","effects"}
 *   {"cmd":"frame","text":"...","from":{...},"ctx":{...}} -> {"ok":true,"reply":string|null,"events","effects"}
 *   {"cmd":"input","input":{...},"ctx":{...}}             -> {"ok":true,"reply":null,"events","effects"}
 *   {"cmd":"snapshot"}                                    -> {"ok":true,"state"}
 *   failures                                              -> {"ok":false,"error":{"code","message"}}
 * One process per boot: `close()` ends it (the DUT makes a fresh backend after a reboot).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DeviceConfig, DeviceIdentity, Effect, Input, Origin, StepContext } from '@esphil/device-model';
import type { Capabilities, DeviceStateSnapshot, UnsequencedEvent } from '@esphil/protocol';
import { SimError } from '../errors';
import type {
  BackendExit,
  BackendOutput,
  BackendStart,
  DeviceBackend,
  DeviceBackendFactory,
} from './backend';

import { NATIVE_BIN_ENV, NativeProcess } from './native-process';

export { NATIVE_BIN_ENV, STDERR_TAIL_CHARS } from './native-process';
/** A command that gets no answer in this time means the executable hung. */
export const DEFAULT_NATIVE_TIMEOUT_MS = 10_000;

export interface NativeBackendOptions {
  /** Path of esphil-native. Default: $ESPHIL_NATIVE_BIN, else apps/firmware/build/esphil-native in this workspace. */
  executable?: string;
  /** Per-command answer timeout. Default DEFAULT_NATIVE_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Where the workspace build puts the executable (`pnpm --filter @esphil/firmware build`). */
export function defaultNativeExecutable(): string {
  const env = process.env[NATIVE_BIN_ENV];
  if (env) return env;
  // From src/dut (tests) or dist (built package) up to the repository root.
  const candidates = [
    '../../../../apps/firmware/build/esphil-native',
    '../../../apps/firmware/build/esphil-native',
  ];
  const paths = candidates.map((c) => fileURLToPath(new URL(c, import.meta.url)));
  return paths.find((p) => existsSync(p)) ?? (paths[0] as string);
}

interface Answer {
  ok: boolean;
  error?: { code?: string; message?: string };
  caps?: Capabilities;
  state?: DeviceStateSnapshot;
  reply?: string | null;
  events?: UnsequencedEvent[];
  effects?: Effect[];
}

export class NativeBackend implements DeviceBackend {
  private readonly proc: NativeProcess<Answer>;

  constructor(opts: NativeBackendOptions = {}) {
    this.proc = new NativeProcess<Answer>(
      opts.executable ?? defaultNativeExecutable(),
      opts.timeoutMs ?? DEFAULT_NATIVE_TIMEOUT_MS,
    );
  }

  private command(cmd: Record<string, unknown>): Promise<Answer> {
    return this.proc.command(cmd);
  }

  private static checked(a: Answer, what: string): Answer {
    if (a.ok) return a;
    const code = a.error?.code === 'bad_config' ? 'bad_config' : 'not_running';
    throw new SimError(code, `native firmware refused ${what}: ${a.error?.message ?? 'no message'}`);
  }

  private static output(a: Answer): BackendOutput {
    return { reply: a.reply ?? null, events: a.events ?? [], effects: a.effects ?? [] };
  }

  async start(config: DeviceConfig, identity: DeviceIdentity): Promise<BackendStart> {
    const a = NativeBackend.checked(await this.command({ cmd: 'start', config, identity }), 'the config');
    if (!a.caps || !a.state)
      throw new SimError('not_running', 'native firmware answered start without caps/state');
    return { caps: a.caps, state: a.state, effects: a.effects ?? [] };
  }

  async handleFrame(text: string, from: Origin, ctx: StepContext): Promise<BackendOutput> {
    const a = await this.command({ cmd: 'frame', text, from, ctx: { ...ctx, from } });
    return NativeBackend.output(NativeBackend.checked(a, 'a frame'));
  }

  async handleInput(input: Input, ctx: StepContext): Promise<BackendOutput> {
    const a = await this.command({ cmd: 'input', input, ctx });
    return NativeBackend.output(NativeBackend.checked(a, 'an input'));
  }

  async snapshot(): Promise<DeviceStateSnapshot> {
    const a = NativeBackend.checked(await this.command({ cmd: 'snapshot' }), 'snapshot');
    if (!a.state) throw new SimError('not_running', 'native firmware answered snapshot without state');
    return a.state;
  }

  onExit(listener: (exit: BackendExit) => void): void {
    this.proc.onExit(listener);
  }

  close(): Promise<void> {
    return this.proc.close();
  }
}

export function createNativeBackend(opts?: NativeBackendOptions): DeviceBackend {
  return new NativeBackend(opts);
}

/** A DeviceBackendFactory for startSimBench({ backend }): one native process per boot. */
export function nativeBackendFactory(opts?: NativeBackendOptions): DeviceBackendFactory {
  return () => new NativeBackend(opts);
}
