import type { Diagnostic } from './types';

/** Collects diagnostics; helpers keep call sites short. */
export class DiagnosticList {
  readonly items: Diagnostic[] = [];

  error(path: string, code: string, message: string, hint: string, pin?: number): void {
    this.items.push(
      pin === undefined
        ? { severity: 'error', path, code, message, hint }
        : { severity: 'error', path, code, message, hint, pin },
    );
  }

  warn(path: string, code: string, message: string, hint: string, pin?: number): void {
    this.items.push(
      pin === undefined
        ? { severity: 'warning', path, code, message, hint }
        : { severity: 'warning', path, code, message, hint, pin },
    );
  }

  push(...d: Diagnostic[]): void {
    this.items.push(...d);
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Short rendering for logs and CLI output: "error pwm[0].pin pin.flash: ... (hint: ...)". */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.severity} ${d.path} ${d.code}: ${d.message} (hint: ${d.hint})`;
}
