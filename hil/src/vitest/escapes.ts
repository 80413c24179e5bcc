/*
 * Errors that escape a test body: thrown by a listener (client events, probe changes), in a timer callback, or a
 * promise rejection nobody handles. Left alone they are logged (or not) and the test passes: a false green.
 *
 * While a test runs, its auto fixture (see ../fixtures) opens a scope here; every escaped error lands in that scope
 * and the fixture rethrows it when the test body ends, so it fails exactly that test. An error with no open scope
 * is kept as an "orphan" and fails the run instead. The state lives in a globalThis slot (Symbol.for) because the
 * fixtures run in vitest's module runner, a different module instance from the CLI's.
 */

export interface EscapedError {
  error: unknown;
  /** Where it came from: "uncaught exception", "unhandled rejection", "client 'led' listener", ... */
  source: string;
  /** The test that was running when it arrived (orphans: the last test that ran, if any). */
  test: string | null;
}

interface Scope {
  test: string;
  errors: EscapedError[];
}

interface Slot {
  scope: Scope | null;
  lastTest: string | null;
  orphans: EscapedError[];
}

const KEY = Symbol.for('esphil.hil.escapes');

function slot(): Slot {
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  g[KEY] ??= { scope: null, lastTest: null, orphans: [] };
  return g[KEY];
}

/** Routes an escaped error to the running test, or keeps it as an orphan that fails the run. */
export function reportEscape(error: unknown, source: string): void {
  const s = slot();
  if (s.scope) s.scope.errors.push({ error, source, test: s.scope.test });
  else s.orphans.push({ error, source, test: s.lastTest });
}

/** Opens the scope of one test; the returned function closes it and gives what escaped meanwhile. */
export function openEscapeScope(test: string): () => EscapedError[] {
  const s = slot();
  const scope: Scope = { test, errors: [] };
  s.scope = scope;
  s.lastTest = test;
  return () => {
    if (s.scope === scope) s.scope = null;
    return scope.errors;
  };
}

/** The error a test fails with: the escaped error itself (its own message and stack) when there is one. */
export function escapeFailure(escaped: readonly EscapedError[]): unknown {
  const first = escaped[0]!;
  const err = first.error instanceof Error ? first.error : new Error(String(first.error));
  const others = escaped.length > 1 ? ` (and ${escaped.length - 1} more escaped errors)` : '';
  err.message = `${err.message}\n  (${first.source} during this test${others})`;
  return err;
}

/** The name of the test whose body is running right now (its scope is open), or null. */
export function runningTest(): string | null {
  return slot().scope?.test ?? null;
}

/** Takes (and forgets) the errors that arrived outside any test. */
export function takeOrphans(): EscapedError[] {
  return slot().orphans.splice(0);
}

/**
 * Catches uncaught exceptions and unhandled rejections process-wide until the returned function is called. While
 * installed, Node does not crash on them: they are routed by reportEscape.
 */
export function catchProcessEscapes(): () => void {
  const onException = (e: unknown) => reportEscape(e, 'uncaught exception');
  const onRejection = (e: unknown) => reportEscape(e, 'unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/** Lets pending unhandled-rejection and timer callbacks of the current turn run before a scope closes. */
export function settleEscapes(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
