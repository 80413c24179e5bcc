/**
 * The lock files this thread holds, by path, with the exact content it wrote: lets acquireLock refuse a second
 * acquisition of a lock it already holds with a clear message. Kept on globalThis under a registered symbol so two
 * copies of this module in one thread (src and dist, two installs) share it.
 */
const KEY = Symbol.for('esphil.hil.lock-registry');

type Registry = Map<string, string>;

function registry(): Registry {
  const g = globalThis as { [KEY]?: Registry };
  g[KEY] ??= new Map();
  return g[KEY];
}

export function heldHere(path: string): string | undefined {
  return registry().get(path);
}

export function remember(path: string, content: string): void {
  registry().set(path, content);
}

export function forget(path: string, content: string): void {
  if (registry().get(path) === content) registry().delete(path);
}
