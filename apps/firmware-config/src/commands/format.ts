/** Human-readable diagnostics for the terminal. */
import type { Diagnostic } from '@esphil/device-model';
import { pathLocator } from '../config/locate';

/** `at` = where the path sits in the file, e.g. "device.yaml:7:10". */
export function formatDiagnosticLine(d: Diagnostic, at?: string): string {
  const where = d.path === '' ? '(config)' : d.path;
  const pin = d.pin === undefined ? '' : ` [GPIO${d.pin}]`;
  const loc = at ? `\n        at ${at}` : '';
  return `${d.severity.padEnd(7)} ${where}${pin} ${d.code}: ${d.message}\n        hint: ${d.hint}${loc}`;
}

/** Diagnostic lines with file positions, errors to `err`, warnings to `out`. */
export function printDiagnostics(
  diagnostics: readonly Diagnostic[],
  file: { path: string; text: string },
  io: { out(t: string): void; err(t: string): void },
): void {
  const locate = pathLocator(file.text);
  for (const d of diagnostics) {
    const pos = d.path === '' ? undefined : locate(d.path);
    const line = formatDiagnosticLine(d, pos ? `${file.path}:${pos.line}:${pos.column}` : undefined);
    (d.severity === 'error' ? io.err : io.out)(line);
  }
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
