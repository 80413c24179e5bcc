import type { StepContext } from './types';

/** Deterministic context for tests; only `from` usually varies. */
export function ctxFor(from: StepContext['from'], over: Partial<StepContext> = {}): StepContext {
  return {
    from,
    nowMs: 1_000,
    uptimeMs: 1_000,
    identity: { fw: '0.1.0', board: 'esp32-doit-devkit-v1', device: 'esphil-a1b2c3', boot: 'b00t' },
    clients: 1,
    ip: '192.168.1.50',
    rssi: -55,
    heapFree: 200_000,
    ...over,
  };
}

export const ws0 = ctxFor({ kind: 'ws', client: 0 });
export const ws1 = ctxFor({ kind: 'ws', client: 1 });
export const serial = ctxFor({ kind: 'serial' });

/** Freezes a value and everything under it, so any mutation in the code under test throws. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
