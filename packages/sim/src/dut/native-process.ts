/**
 * One esphil-native process (apps/firmware/README.md): JSON command lines in, one JSON answer line each, in order.
 * Shared by the machine-mode NativeBackend and the device-mode NativeDeviceBody. A command without an answer in
 * `timeoutMs` kills the process (every later answer would be out of step); an exit not asked for is reported once
 * with its reason and stderr tail.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SimError } from '../errors';
import type { BackendExit } from './backend';

/** Environment variable naming the executable (wins over the workspace default). */
export const NATIVE_BIN_ENV = 'ESPHIL_NATIVE_BIN';
/** stderr kept for error messages and the crash report (characters, from the end). */
export const STDERR_TAIL_CHARS = 4096;

interface Pending<Answer> {
  resolve(a: Answer): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class NativeProcess<Answer = unknown> {
  private proc: ChildProcessWithoutNullStreams | null = null;
  private readonly pending: Pending<Answer>[] = [];
  private stderr = '';
  private exited: string | null = null;
  private closing = false;
  private readonly exitListeners: ((exit: BackendExit) => void)[] = [];
  private readonly executable: string;
  private readonly timeoutMs: number;

  constructor(executable: string, timeoutMs: number) {
    this.executable = executable;
    this.timeoutMs = timeoutMs;
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

  command(cmd: Record<string, unknown>): Promise<Answer> {
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

  onExit(listener: (exit: BackendExit) => void): void {
    this.exitListeners.push(listener);
  }

  /** Ends the process (stdin closed, SIGKILL after 2 s); no exit report follows. */
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
