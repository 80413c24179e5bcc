import type { HilSession } from './types';

/*
 * Why a globalThis slot: test files are evaluated by vitest's module runner, so `@esphil/hil` inside a suite can be a
 * different module instance from the one the CLI loaded. Symbol.for() keys are shared by every instance in the
 * process (the in-process pool keeps suites in this process).
 */
const KEY = Symbol.for('esphil.hil.session');
type Slot = { session: HilSession | null };

function slot(): Slot {
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  let s = g[KEY];
  if (!s) {
    s = { session: null };
    g[KEY] = s;
  }
  return s;
}

export function setSession(session: HilSession | null): void {
  slot().session = session;
}

export function getSession(): HilSession {
  const s = slot().session;
  if (!s) {
    throw new Error(
      'no live bench session: HIL suites run through `hil run` (or runHil()), which sets up the bench before loading them',
    );
  }
  return s;
}

export function peekSession(): HilSession | null {
  return slot().session;
}
