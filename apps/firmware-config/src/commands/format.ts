/** Human-readable diagnostics for the terminal. */
import type { Diagnostic } from '@esphil/device-model';

export function formatDiagnosticLine(d: Diagnostic): string {
  const where = d.path === '' ? '(config)' : d.path;
  const pin = d.pin === undefined ? '' : ` [GPIO${d.pin}]`;
  return `${d.severity.padEnd(7)} ${where}${pin} ${d.code}: ${d.message}\n        hint: ${d.hint}`;
}

export function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
