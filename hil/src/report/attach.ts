import type { SerialLogEntry, WiringFinding } from './model';

/**
 * What a stage attaches to the error it throws, so a bench-error report is as complete as a run's: the serial log up
 * to the failure and, from the wiring stage, the findings that made it fail (the "see the wiring table" hint).
 */
export interface BenchErrorContext {
  serialLog?: SerialLogEntry[];
  findings?: WiringFinding[];
}

/** Returns `err` with the context attached (for `throw withContext(new HilError(...), { findings })`). */
export function withContext<E extends Error>(err: E, ctx: BenchErrorContext): E & BenchErrorContext {
  return Object.assign(err, ctx);
}

/** The context a thrown value carries; only well-formed members (anything may be thrown). */
export function errorContext(e: unknown): BenchErrorContext {
  if (typeof e !== 'object' || e === null) return {};
  const { serialLog, findings } = e as BenchErrorContext;
  return {
    ...(Array.isArray(serialLog) ? { serialLog } : {}),
    ...(Array.isArray(findings) ? { findings } : {}),
  };
}
