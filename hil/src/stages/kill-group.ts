import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** After SIGTERM, how long a child's process group gets before SIGKILL. */
export const KILL_GRACE_MS = 500;

function signalGroup(pid: number, sig: NodeJS.Signals): boolean {
  try {
    // Negative pid: the whole process group (the child was spawned detached, so it leads its own group).
    process.kill(-pid, sig);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

/**
 * Kills a child spawned with `detached: true` together with everything it started (esptool's helpers, a shell's
 * children): SIGTERM to the group, then, once the child exited or after KILL_GRACE_MS, SIGKILL to whatever is left
 * of the group (a grandchild ignoring SIGTERM). Resolves once the child has exited or the grace is over.
 */
export async function killGroup(child: ChildProcess, graceMs = KILL_GRACE_MS): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const running = child.exitCode === null && child.signalCode === null;
  const exited = running ? once(child, 'exit').catch(() => {}) : Promise.resolve();
  if (!signalGroup(pid, 'SIGTERM')) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  signalGroup(pid, 'SIGKILL');
}
