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
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
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

/** Environment variable naming the executable (wins over the workspace default). */
export const NATIVE_BIN_ENV = 'ESPHIL_NATIVE_BIN';
/** A command that gets no answer in this time means the executable hung. */
export const DEFAULT_NATIVE_TIMEOUT_MS = 10_000;
/** stderr kept for error messages and the crash report (characters, from the end). */
export const STDERR_TAIL_CHARS = 4096;

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

interface Pending {
  resolve(a: Answer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class NativeBackend implements DeviceBackend {
  private proc: ChildProcessWithoutNullStreams | null = null;
  private readonly pending: Pending[] = [];
  private stderr = '';
  private exited: string | null = null;
  private closing = false;
  private readonly exitListeners: ((exit: BackendExit) => void)[] = [];
  private readonly executable: string;
  private readonly timeoutMs: number;

  constructor(opts: NativeBackendOptions = {}) {
    this.executable = opts.executable ?? defaultNativeExecutable();
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_NATIVE_TIMEOUT_MS;
  }

  private spawnOnce(): ChildProcessWithoutNullStreams {
    if (this.proc) return this.proc;
    if (!existsSync(this.executable)) {
      throw new SimError(
        'bad_option',
        `native firmware executable not found at ${this.executable}: build it with \`pnpm --filter @esphil/firmware build\` (needs g++ and make), or pass \`executable\` / set ${NATIVE_BIN_ENV}`,
      );
    }
    const proc = spawn(this.executable, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-STDERR_TAIL_CHARS);
    });
    // EPIPE after the process died is reported through 'exit'.
    proc.stdin.on('error', () => {});
    const lines = createInterface({ input: proc.stdout });
    lines.on('line', (line) => {
      const p = this.pending.shift();
      if (!p) return;
      clearTimeout(p.timer);
      try {
        p.resolve(JSON.parse(line) as Answer);
      } catch {
        p.reject(
          new SimError('not_running', `native firmware answered a non-JSON line: ${line.slice(0, 200)}`),
        );
      }
    });
    const onGone = (why: string): void => {
      if (this.exited) return;
      this.exited = why;
      const err = new SimError(
        'not_running',
        `native firmware ${this.executable} ${why}${this.stderr ? `; stderr: ${this.stderr.trim()}` : ''}`,
      );
      for (const p of this.pending.splice(0)) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      if (this.closing) return;
      // stderr may still be in the pipe when 'exit' fires: report once it is drained (or at once if it is).
      const report = (): void => {
        const exit: BackendExit = { reason: why, stderrTail: this.stderr.trim() };
        for (const l of this.exitListeners.splice(0)) l(exit);
      };
      if (proc.stderr.readableEnded || proc.stderr.destroyed) report();
      else proc.stderr.once('close', report);
    };
    proc.on('exit', (code, signal) => onGone(`exited (${signal ?? `code ${String(code)}`})`));
    proc.on('error', (e) => onGone(`could not run: ${e.message}`));
    return proc;
  }

  private command(cmd: Record<string, unknown>): Promise<Answer> {
    let proc: ChildProcessWithoutNullStreams;
    try {
      proc = this.spawnOnce();
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.exited) {
      return Promise.reject(new SimError('not_running', `native firmware ${this.executable} ${this.exited}`));
    }
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.pending.findIndex((p) => p.timer === timer);
        if (i >= 0) this.pending.splice(i, 1);
        reject(
          new SimError(
            'not_running',
            `native firmware gave no answer to '${String(cmd.cmd)}' within ${this.timeoutMs} ms`,
          ),
        );
        // A skipped answer would desynchronise every later command: this process is done.
        proc.kill('SIGKILL');
      }, this.timeoutMs);
      this.pending.push({ resolve, reject, timer });
      proc.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
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
    this.exitListeners.push(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.exitListeners.length = 0;
    const proc = this.proc;
    if (!proc || this.exited) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 2000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.stdin.end();
    });
  }
}

export function createNativeBackend(opts?: NativeBackendOptions): DeviceBackend {
  return new NativeBackend(opts);
}

/** A DeviceBackendFactory for startSimBench({ backend }): one native process per boot. */
export function nativeBackendFactory(opts?: NativeBackendOptions): DeviceBackendFactory {
  return () => new NativeBackend(opts);
}
