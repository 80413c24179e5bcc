/** Argument parsing and dispatch for the `firmware-config` CLI; returns the exit code (never calls exit). */
import { parseArgs } from 'node:util';
import type { BindingInterface } from '@esphil/serial';
import { generateCommand } from './commands/generate';
import { initCommand } from './commands/init';
import { CliError, type CommandIO, consoleIO } from './commands/io';
import { provisionCommand } from './commands/provision';
import { pushCommand } from './commands/push';
import { validateCommand } from './commands/validate';

export const USAGE = `Usage: firmware-config <command> [options]

Commands:
  validate <config>                     check a config (YAML or JSON); exit 1 on any error
  generate <config> --out <dir>         write device_config.h, capabilities.json and pinout.svg
  provision --port <path> --ssid <s> [--password-env VAR] [--timeout <ms>]
                                        WiFi provisioning over Improv serial; prints the device URL
  push --port <path> <config> [--timeout <ms>]
                                        send the config over serial (config.set) and check the capabilities
  init [--board <id>] [--out <file>] [--force]
                                        write a starter config (YAML, or JSON for *.json)
`;

export interface RunOptions {
  io?: CommandIO;
  env?: Record<string, string | undefined>;
  /** Serial binding for provision/push (tests: the simulator's virtual binding). */
  binding?: BindingInterface;
}

const OPTIONS = {
  out: { type: 'string', short: 'o' },
  port: { type: 'string', short: 'p' },
  ssid: { type: 'string' },
  'password-env': { type: 'string' },
  timeout: { type: 'string' },
  board: { type: 'string', short: 'b' },
  force: { type: 'boolean' },
} as const;

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new CliError('usage', `${flag} must be a positive whole number of ms, got '${value}'.`);
  return n;
}

function single(positionals: string[], what: string): string {
  const [first, ...rest] = positionals;
  if (first === undefined) throw new CliError('usage', `Missing ${what}.\n\n${USAGE}`);
  if (rest.length > 0) throw new CliError('usage', `Unexpected argument(s): ${rest.join(' ')}.`);
  return first;
}

async function dispatch(argv: string[], io: CommandIO, opts: RunOptions): Promise<number> {
  const [command, ...rest] = argv;
  const parse = (allowed: readonly (keyof typeof OPTIONS)[]) => {
    let parsed: ReturnType<
      typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true; strict: true }>
    >;
    try {
      parsed = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError('usage', `${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    }
    for (const key of Object.keys(parsed.values)) {
      if (!(allowed as readonly string[]).includes(key)) {
        throw new CliError('usage', `${command} does not take --${key}.\n\n${USAGE}`);
      }
    }
    return parsed;
  };
  switch (command) {
    case 'validate': {
      const { positionals } = parse([]);
      return (await validateCommand({ file: single(positionals, 'config file'), io })).exitCode;
    }
    case 'generate': {
      const { values, positionals } = parse(['out']);
      if (typeof values.out !== 'string') throw new CliError('usage', 'generate needs --out <dir>.');
      return (await generateCommand({ file: single(positionals, 'config file'), outDir: values.out, io }))
        .exitCode;
    }
    case 'provision': {
      const { values, positionals } = parse(['port', 'ssid', 'password-env', 'timeout']);
      if (positionals.length > 0)
        throw new CliError('usage', `Unexpected argument(s): ${positionals.join(' ')}.`);
      if (typeof values.port !== 'string') throw new CliError('usage', 'provision needs --port <path>.');
      if (typeof values.ssid !== 'string')
        throw new CliError('usage', 'provision needs --ssid <network name>.');
      const timeoutMs = positiveInt(values.timeout, '--timeout');
      await provisionCommand({
        port: values.port,
        ssid: values.ssid,
        ...(typeof values['password-env'] === 'string' ? { passwordEnv: values['password-env'] } : {}),
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.binding ? { binding: opts.binding } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
        io,
      });
      return 0;
    }
    case 'push': {
      const { values, positionals } = parse(['port', 'timeout']);
      if (typeof values.port !== 'string') throw new CliError('usage', 'push needs --port <path>.');
      const timeoutMs = positiveInt(values.timeout, '--timeout');
      return (
        await pushCommand({
          file: single(positionals, 'config file'),
          port: values.port,
          ...(opts.binding ? { binding: opts.binding } : {}),
          ...(timeoutMs ? { timeoutMs } : {}),
          io,
        })
      ).exitCode;
    }
    case 'init': {
      const { values, positionals } = parse(['board', 'out', 'force']);
      if (positionals.length > 0)
        throw new CliError('usage', `Unexpected argument(s): ${positionals.join(' ')}.`);
      return (
        await initCommand({
          ...(typeof values.board === 'string' ? { board: values.board } : {}),
          ...(typeof values.out === 'string' ? { out: values.out } : {}),
          force: values.force === true,
          io,
        })
      ).exitCode;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new CliError('usage', `Unknown command '${command}'.\n\n${USAGE}`);
  }
}

/** Runs the CLI; every failure becomes a message on stderr and exit code 1 (2 for usage errors). */
export async function runCli(argv: string[], opts: RunOptions = {}): Promise<number> {
  const io = opts.io ?? consoleIO;
  try {
    return await dispatch(argv, io, opts);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`firmware-config: ${err.message}`);
      return err.exitCode;
    }
    io.err(
      `firmware-config: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }
}
