/**
 * WiFi provisioning over Improv serial. The password comes from the environment (never a flag: flags end up in
 * shell history and `ps`) and is never printed: errors from the Improv client do not carry it either.
 */
import { DEFAULT_PROVISION_TIMEOUT_MS, ImprovClient, ImprovClientError } from '@esphil/serial';
import { CliError, type CommandIO } from './io';
import { type SerialTarget, serialFailure, withConsole } from './serial-session';

export interface ProvisionOptions extends SerialTarget {
  ssid: string;
  /** Name of the environment variable holding the password. Absent = open network (empty password). */
  passwordEnv?: string;
  /** Environment to read it from. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Whole provisioning (join included). Default DEFAULT_PROVISION_TIMEOUT_MS. */
  timeoutMs?: number;
  io: CommandIO;
}

export function passwordFrom(opts: Pick<ProvisionOptions, 'passwordEnv' | 'env'>): string {
  if (opts.passwordEnv === undefined) return '';
  const env = opts.env ?? process.env;
  const value = env[opts.passwordEnv];
  if (value === undefined) {
    throw new CliError(
      'env_missing',
      `Environment variable ${opts.passwordEnv} is not set. Set it to the WiFi password (e.g. \`read -rs ${opts.passwordEnv}; export ${opts.passwordEnv}\`).`,
    );
  }
  return value;
}

export async function provisionCommand(opts: ProvisionOptions): Promise<{ exitCode: 0; urls: string[] }> {
  if (!opts.ssid) throw new CliError('usage', 'provision needs --ssid <network name>.');
  const password = passwordFrom(opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROVISION_TIMEOUT_MS;
  opts.io.err(
    `Provisioning WiFi "${opts.ssid}" on ${opts.port}${password === '' ? ' (open network, no password)' : ''}...`,
  );
  const urls = await withConsole(opts, async (console) => {
    const improv = new ImprovClient(console, { provisionTimeoutMs: timeoutMs, queryTimeoutMs: timeoutMs });
    try {
      return (await improv.provision({ ssid: opts.ssid, password, timeoutMs })).urls;
    } catch (err) {
      if (err instanceof ImprovClientError) throw new CliError('improv', err.message, { cause: err });
      throw serialFailure(err, 'The device never answered the Improv request');
    }
  });
  if (urls.length === 0) opts.io.err('The device joined the network but reported no URL.');
  for (const url of urls) opts.io.out(url);
  return { exitCode: 0, urls };
}
