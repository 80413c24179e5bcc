export * from './defaults';
export { DiagnosticList, formatDiagnostic, hasErrors } from './diagnostics';
export { resolveConfig } from './resolve';
export { starterConfig } from './starter';
export type { TargetKind } from './structure';
export { TARGET_KINDS } from './structure';
export { closestKey, editDistance, unknownKeyHint } from './suggest';
export type { ValidationResult } from './validate';
export { validateConfig } from './validate';
