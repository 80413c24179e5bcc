/**
 * The escape hatch: `firmware.command` (Python esptool, `pio run -t upload`) with placeholders, run in its own
 * process group from the bench file's directory and killed (the whole group) on abort.
 */
import { spawn } from 'node:child_process';
import { killGroup } from '../stages/kill-group';
import { FirmwareError } from './errors';

export interface CommandVars {
  port: string;
  baud: number;
  /** esptool's --chip name (esp32, esp32s3, esp32c3). */
  chip: string;
  benchDir: string;
}

/** Fills `{port}`, `{baud}`, `{chip}` and `{benchDir}`. */
export function expandCommand(argv: readonly string[], vars: CommandVars): string[] {
  return argv.map((a) =>
    a
      .replaceAll('{port}', vars.port)
      .replaceAll('{baud}', String(vars.baud))
      .replaceAll('{chip}', vars.chip)
      .replaceAll('{benchDir}', vars.benchDir),
  );
}

export interface RunCommandOptions {
  argv: readonly string[];
  cwd: string;
  signal?: AbortSignal;
  /** The whole group is killed after this long (bench timeouts.flashMs). Default: no limit. */
  timeoutMs?: number;
  onLine?: (line: string) => void;
  /** Lines of output kept for the error message. Default 20. */
  tailLines?: number;
}

/**
 * Runs the command detached (its own process group: esptool's and pio's helpers included) and kills the whole
 * group (SIGTERM, then SIGKILL after a grace: ../stages/kill-group.ts) on abort or timeout, and whatever the command
 * left running in its group when it exits (it would hold the pipes open).
 */
export function runFlashCommand(options: RunCommandOptions): Promise<void> {
  const [cmd, ...args] = options.argv;
  if (!cmd)
    return Promise.reject(
      new FirmwareError('firmware_invalid', 'empty firmware.command', 'give an argv array'),
    );
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const feed = (chunk: Buffer) => {
      // esptool redraws its progress with \r: treat it as a line end.
      for (const line of chunk.toString('utf8').split(/[\r\n]+/)) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > (options.tailLines ?? 20)) tail.shift();
        options.onLine?.(line);
      }
    };
    child.stdout?.on('data', feed);
    child.stderr?.on('data', feed);
    let stopped: string | null = null;
    const stop = (why: string) => {
      stopped ??= why;
      void killGroup(child);
    };
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => stop(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      done();
      reject(
        new FirmwareError(
          'firmware_invalid',
          `cannot run ${cmd}: ${error.message}`,
          'install it or fix firmware.command',
        ),
      );
    });
    child.on('exit', () => void killGroup(child));
    child.on('close', (code, signal) => {
      done();
      if (code === 0 && stopped === null) resolve();
      else {
        const why = stopped ?? (signal ? `killed by ${signal}` : `exit ${code}`);
        reject(
          new FirmwareError(
            'flash_command_failed',
            `${cmd} failed (${why}):\n  ${tail.join('\n  ')}`,
            stopped?.startsWith('timed out')
              ? 'check the port and the bootloader (hold BOOT while flashing on some boards), or raise timeouts.flashMs'
              : 'read its output above (also in the serial log)',
          ),
        );
      }
    });
  });
}
