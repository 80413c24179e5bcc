import { type Diagnostic, hasErrors, validateConfig } from '@esphil/device-model';
import { printDiagnostics, summary } from './format';
import { type CommandIO, loadConfigFile } from './io';

export interface ValidateOptions {
  file: string;
  io: CommandIO;
}

export interface ValidateOutcome {
  exitCode: 0 | 1;
  diagnostics: Diagnostic[];
}

/** Prints every diagnostic; exit 1 on any error. File and syntax problems throw CliError. */
export async function validateCommand(opts: ValidateOptions): Promise<ValidateOutcome> {
  const loaded = await loadConfigFile(opts.file);
  const { diagnostics } = validateConfig(loaded.value);
  printDiagnostics(diagnostics, loaded, opts.io);
  const failed = hasErrors(diagnostics);
  const verdict = `${opts.file}: ${failed ? 'invalid' : 'valid'} (${summary(diagnostics)})`;
  (failed ? opts.io.err : opts.io.out)(verdict);
  return { exitCode: failed ? 1 : 0, diagnostics };
}
