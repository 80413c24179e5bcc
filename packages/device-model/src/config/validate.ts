import { DiagnosticList } from './diagnostics';
import { resolveConfig } from './resolve';
import { checkHardware } from './rules';
import { checkShape } from './structure';
import type { Diagnostic, ResolvedConfig } from './types';

export interface ValidationResult {
  /** Present only when there is no error (warnings allowed). */
  config?: ResolvedConfig;
  /** Shape errors first, then hardware rules; each with a path, a stable code, a message and a hint. */
  diagnostics: Diagnostic[];
}

/**
 * Checks untrusted input (a config file, a `config.set` payload). Never throws.
 * Shape errors drop the broken entry; the hardware rules still run on the rest so one pass reports everything.
 */
export function validateConfig(input: unknown): ValidationResult {
  const d = new DiagnosticList();
  try {
    const shape = checkShape(d, input);
    if (!shape.config) return { diagnostics: d.items };
    const resolved = resolveConfig(shape.config);
    checkHardware(d, resolved, shape.indexes);
    return d.errorCount === 0 ? { config: resolved, diagnostics: d.items } : { diagnostics: d.items };
  } catch (err) {
    // Guard for hostile inputs (getters that throw, proxies): report instead of crashing the caller.
    d.error(
      '',
      'config.unreadable',
      `The config could not be read: ${err instanceof Error ? err.message : String(err)}`,
      'Pass plain JSON data.',
    );
    return { diagnostics: d.items };
  }
}
