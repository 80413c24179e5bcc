import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Diagnostic } from '@esphil/device-model';
import { type GeneratedFiles, generateArtifacts } from '../gen/artifacts';
import { printDiagnostics, summary } from './format';
import { CliError, type CommandIO, loadConfigFile } from './io';

export interface GenerateOptions {
  file: string;
  outDir: string;
  io: CommandIO;
}

export interface GenerateOutcome {
  exitCode: 0 | 1;
  diagnostics: Diagnostic[];
  /** Paths written (empty when the config was refused). */
  written: string[];
}

/** Writes device_config.h, capabilities.json and pinout.svg; refuses a config with errors (nothing written). */
export async function generateCommand(opts: GenerateOptions): Promise<GenerateOutcome> {
  const loaded = await loadConfigFile(opts.file);
  const result = generateArtifacts(loaded.value, { source: basename(opts.file) });
  printDiagnostics(result.diagnostics, loaded, opts.io);
  if (!result.ok) {
    opts.io.err(`${opts.file}: not generating: ${summary(result.diagnostics)}. Fix the errors above first.`);
    return { exitCode: 1, diagnostics: result.diagnostics, written: [] };
  }
  try {
    await mkdir(opts.outDir, { recursive: true });
  } catch (err) {
    throw new CliError('write_failed', `Cannot create ${opts.outDir}: ${String(err)}`, { cause: err });
  }
  const written: string[] = [];
  for (const [name, content] of Object.entries(result.files) as [keyof GeneratedFiles, string][]) {
    const path = join(opts.outDir, name);
    try {
      await writeFile(path, content, 'utf8');
    } catch (err) {
      throw new CliError('write_failed', `Cannot write ${path}: ${String(err)}`, { cause: err });
    }
    written.push(path);
    opts.io.out(`wrote ${path}`);
  }
  return { exitCode: 0, diagnostics: result.diagnostics, written };
}
