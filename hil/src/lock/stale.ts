import type { LockSnapshot } from './holder';

/**
 * How long an unreadable lock file (empty, partial, not JSON) is left alone before it counts as stale.
 * With temp file + link() a lock file is complete the moment it exists, so esphil itself never leaves one. One only
 * appears from a foreign writer: an older esphil that created the file empty and filled it afterwards (it fills it
 * within milliseconds, so for a moment it is legitimately unreadable: taking it over then is exactly the overlap this
 * module fixes), a hand-made file, or a disk/crash corruption (which nobody will ever complete). Ten seconds is
 * thousands of times the old writer's window and short enough that a corrupt file does not block a bench for long.
 */
export const GARBAGE_GRACE_MS = 10_000;

export interface StaleContext {
  /** This host's name: a holder on another host (a shared tmpdir) is never stale, we cannot see its processes. */
  host: string;
  isAlive: (pid: number) => boolean;
  now: number;
}

/** Is the lock file (or takeover guard) at `path`, as seen in `snap`, stale: may it be removed? */
export function isStale(snap: LockSnapshot, ctx: StaleContext): boolean {
  const h = snap.holder;
  if (!h) return ctx.now - snap.mtimeMs > GARBAGE_GRACE_MS;
  if (h.host !== ctx.host) return false;
  // Our own pid is alive by definition: the lock may belong to another worker thread of this process (threads share
  // the pid, not module state), so it is never taken over. The price: a leftover from an earlier process that had
  // our pid (pid reuse after a reboot that kept tmp) blocks us; the lock_held hint names the file to delete.
  if (h.pid === process.pid) return false;
  return !ctx.isAlive(h.pid);
}

/** Does a process with this pid exist on this host? Signal 0 only checks; EPERM means it exists but is not ours. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
