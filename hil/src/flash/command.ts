/**
 * The escape hatch: `firmware.command` (Python esptool, `pio run -t upload`) with placeholders, run in its own
 * process group from the bench file's directory and killed (the whole group) on abort.
 */
import { spawn } from 'node:child_process';
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
  onLine?: (line: string) => void;
  /** Lines of output kept for the error message. Default 20. */
  tailLines?: number;
}

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
      for (const line of chunk.toString('utf8').split(/[\r\n]+/)) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > (options.tailLines ?? 20)) tail.shift();
        options.onLine?.(line);
      }
    };
    child.stdout?.on('data', feed);
    child.stderr?.on('data', feed);
    const kill = () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    };
    options.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', kill);
      reject(
        new FirmwareError(
          'firmware_invalid',
          `cannot run ${cmd}: ${error.message}`,
          'install it or fix firmware.command',
        ),
      );
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', kill);
      if (code === 0) resolve();
      else {
        const why = signal ? `killed by ${signal}` : `exit ${code}`;
        const output = tail.join('\n');
        reject(
          new FirmwareError('flash_command_failed', `${cmd} failed (${why}):\n${output}`, 'see its output'),
        );
      }
    });
  });
}
