/** What every command shares: where output goes, the error type, and reading a config file. */
import { readFile, stat } from 'node:fs/promises';
import { type ConfigFormat, MAX_CONFIG_BYTES, parseConfigText } from '../config/parse';

export interface CommandIO {
  /** One line (or block) of normal output. */
  out(text: string): void;
  /** Diagnostics and errors. */
  err(text: string): void;
}

export const consoleIO: CommandIO = {
  // Once the reader of a pipe left (`validate ok.json | head -1`) stdout is destroyed: the rest is dropped.
  out: (t) => {
    if (!process.stdout.destroyed) process.stdout.write(`${t}\n`);
  },
  err: (t) => process.stderr.write(`${t}\n`),
};

/**
 * EPIPE on stdout means whoever reads our output stopped reading (`| head -1`): not a failure of the command,
 * which finishes with its own exit code. Without a listener Node would crash with an unhandled 'error' event.
 */
export function ignoreClosedStdout(stdout: NodeJS.WriteStream): void {
  stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') return;
    process.stderr.write(`firmware-config: cannot write output: ${err.message}\n`);
    process.exitCode = 1;
  });
}

/** A collecting IO for tests and embedding. */
export function memoryIO(): CommandIO & { stdout: string[]; stderr: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    text: () => [...stdout, ...stderr].join('\n'),
  };
}

export type CliErrorCode =
  | 'usage'
  | 'file_unreadable'
  | 'config_syntax'
  | 'config_invalid'
  | 'write_failed'
  | 'env_missing'
  | 'serial'
  | 'device_timeout'
  | 'device_error'
  | 'caps_mismatch'
  | 'improv';

/** A failure the CLI reports as one message (exit 1, or 2 for usage). */
export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CliError';
    this.code = code;
  }
  get exitCode(): number {
    return this.code === 'usage' ? 2 : 1;
  }
}

export interface LoadedConfig {
  path: string;
  format: ConfigFormat;
  value: unknown;
  text: string;
}

/** Reads and parses a config file; CliError 'file_unreadable' or 'config_syntax' (with line and column). */
export async function loadConfigFile(path: string, maxBytes = MAX_CONFIG_BYTES): Promise<LoadedConfig> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.isDirectory())
      throw new CliError('file_unreadable', `${path} is a directory, not a config file.`);
    if (info.size > maxBytes) {
      throw new CliError(
        'file_unreadable',
        `${path} is ${info.size} bytes; a config is at most ${maxBytes}. Is this the right file?`,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : err instanceof Error
            ? err.message
            : String(err);
    throw new CliError('file_unreadable', `Cannot read config ${path}: ${why}.`, { cause: err });
  }
  const parsed = parseConfigText(text, { fileName: path, maxBytes });
  if (!parsed.ok) {
    const at = parsed.error.line !== undefined ? `:${parsed.error.line}:${parsed.error.column ?? 1}` : '';
    throw new CliError('config_syntax', `${path}${at}: ${parsed.error.message}`);
  }
  return { path, format: parsed.format, value: parsed.value, text };
}
