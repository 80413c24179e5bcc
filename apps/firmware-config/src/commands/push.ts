/**
 * Sends a config over the serial console (config.set), waits for the device's confirmation and compares the
 * capabilities it reports with the ones the config should give.
 */
import { type Diagnostic, deriveCapabilities } from '@esphil/device-model';
import type { Capabilities } from '@esphil/protocol';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '@esphil/serial';
import { generateArtifacts } from '../gen/artifacts';
import { diffValues, formatDifferences, type ValueDifference } from '../gen/diff';
import { firmwareConfig } from '../gen/header';
import { printDiagnostics, summary } from './format';
import { CliError, type CommandIO, loadConfigFile } from './io';
import { SERIAL_MAX_LINE_BYTES, type SerialTarget, serialFailure, withConsole } from './serial-session';

export interface PushOptions extends SerialTarget {
  file: string;
  /** Wait this long for the confirmation. Default DEFAULT_REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
  io: CommandIO;
}

export interface PushOutcome {
  exitCode: 0 | 1;
  diagnostics: Diagnostic[];
  caps?: Capabilities;
  differences: ValueDifference[];
  rebootInMs?: number;
}

export async function pushCommand(opts: PushOptions): Promise<PushOutcome> {
  const loaded = await loadConfigFile(opts.file);
  const generated = generateArtifacts(loaded.value);
  printDiagnostics(generated.diagnostics, loaded, opts.io);
  if (!generated.ok) {
    opts.io.err(`${opts.file}: not pushing: ${summary(generated.diagnostics)}.`);
    return { exitCode: 1, diagnostics: generated.diagnostics, differences: [] };
  }
  const config = firmwareConfig(generated.config, generated.ledc);
  const expected = deriveCapabilities(config);
  const lineBytes = new TextEncoder().encode(
    JSON.stringify({ id: 0xffffffff, op: 'config.set', config }),
  ).length;
  if (lineBytes > SERIAL_MAX_LINE_BYTES) {
    throw new CliError(
      'config_invalid',
      `The config is ${lineBytes} bytes as a serial request; the device reads lines of at most ${SERIAL_MAX_LINE_BYTES}. Shorten names or units.`,
    );
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  opts.io.err(`Sending ${opts.file} to ${opts.port}...`);
  const response = await withConsole(opts, async (console) => {
    try {
      return await console.request(
        'config.set',
        { config: config as unknown as Record<string, unknown> },
        { timeoutMs },
      );
    } catch (err) {
      throw serialFailure(
        err,
        `The device on ${opts.port} did not confirm the config within ${timeoutMs} ms`,
      );
    }
  });
  if (!response.ok) {
    throw new CliError(
      'device_error',
      `The device refused the config: ${response.error.code}: ${response.error.msg}${response.error.path ? ` (at ${response.error.path})` : ''}`,
    );
  }
  const { caps, rebootInMs } = response.result;
  const differences = diffValues(expected, caps);
  if (differences.length > 0) {
    opts.io.err('The device accepted the config but reports different capabilities than expected:');
    for (const line of formatDifferences(differences)) opts.io.err(line);
    opts.io.err('Check that the firmware matches this firmware-config version.');
    return { exitCode: 1, diagnostics: generated.diagnostics, caps, differences, rebootInMs };
  }
  opts.io.out(`Device accepted the config; capabilities match. It reboots in ${rebootInMs} ms.`);
  return { exitCode: 0, diagnostics: generated.diagnostics, caps, differences, rebootInMs };
}
