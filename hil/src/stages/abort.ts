import { constants } from 'node:os';
import { EXIT_SIGINT, HilError } from '../errors';

/**
 * What an abort reason is called in reports: a signal name ("SIGINT", "SIGTERM") when the reason is one (the CLI
 * aborts with the signal's name), the message of an Error reason, else "aborted".
 */
export function abortReasonText(reason: unknown): string {
  if (typeof reason === 'string' && reason !== '') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return 'aborted';
}

/**
 * The exit code of an aborted run: 128 + the signal number when the reason names a signal (SIGINT 130, SIGTERM 143,
 * as a shell reports a process a signal killed), else 130 (an interrupt).
 */
export function abortExitCode(reason: unknown): number {
  const n = typeof reason === 'string' ? constants.signals[reason as NodeJS.Signals] : undefined;
  return typeof n === 'number' ? 128 + n : EXIT_SIGINT;
}

/** The error a stage cut by an abort ends with. */
export function abortError(signal: AbortSignal): HilError {
  return new HilError(
    'aborted',
    `run interrupted (${abortReasonText(signal.reason)})`,
    'the run was stopped on request: partial results are in the report',
  );
}

export function isAbortError(e: unknown): boolean {
  return e instanceof HilError && e.code === 'aborted';
}

/**
 * Waits for `work` unless `signal` aborts first (then rejects with abortError at once). Work that finishes after
 * the abort is handed to `late` (close the port / client it opened), so nothing it made is left open.
 */
export function abortable<T>(
  work: Promise<T>,
  signal: AbortSignal,
  late?: (value: T) => unknown,
): Promise<T> {
  if (signal.aborted) {
    void work.then(
      (v) => late?.(v),
      () => {},
    );
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    let cut = false;
    const onAbort = () => {
      cut = true;
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (cut) void Promise.resolve(late?.(v)).catch(() => {});
        else resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
