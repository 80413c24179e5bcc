import { createHash, randomUUID } from 'node:crypto';
import { linkSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type LockSnapshot, readSnapshot } from './holder';
import { isStale, type StaleContext } from './stale';

/**
 * How deep a takeover may go when its own guard is stale (a process died inside the microseconds it holds a guard).
 * Each level needs another such crash, so 3 is already far past anything real; past it the run reports the lock
 * held and the hint names the file to delete.
 */
export const MAX_TAKEOVER_DEPTH = 3;

/**
 * Publishes `content` at `target` only if nothing is there yet; true when we created it, false when it existed.
 * The content is written to a private temp file first and then hard-linked to the target name: link() is atomic
 * and fails with EEXIST when the name is taken, so the lock file appears complete or not at all. (O_EXCL
 * create-then-write, which this replaces, showed other runs an empty file for a moment.)
 */
export function linkExclusive(target: string, content: string): boolean {
  const tmp = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
  writeFileSync(tmp, content, { flag: 'wx' });
  try {
    linkSync(tmp, target);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkQuiet(tmp);
  }
}

export type TakeoverResult = 'removed' | 'changed' | 'busy';

export interface TakeoverContext extends StaleContext {
  /** What to write into a guard file: the taker's holder, so a guard left by a crash can be judged stale too. */
  guardContent: () => string;
}

/**
 * Removes the stale lock file at `path` that was seen as `seen`, such that of any number of processes that all saw
 * the same stale file, at most one removes it and nobody ever removes a file they did not judge.
 *
 * Why not just unlink it: A and B both see stale S; A unlinks S and links its own lock; B, still acting on what it
 * saw, unlinks A's live lock and links its own: both hold it. Renaming S away first does not help either (B renames
 * A's lock away just the same), and neither does rename-over (both "win", each before the other checks).
 *
 * So removal is done under a guard named after the exact file seen (device, inode and content hashed): the guard is
 * taken with the same link() that takes locks, so one process holds it. Holding it, the taker re-reads `path` and
 * removes it only if it is still the very file it judged (same inode and bytes). That check cannot be overtaken
 * before the unlink: only the holder of this file's guard may remove this file (its owner is dead, or for an
 * unreadable file the grace period says no one will finish it). A late process that saw S long ago takes a fresh
 * guard and finds another file there: 'changed', it removes nothing. Lock contents carry a random token, so a
 * later lock never has S's bytes. The caller then simply tries link() again; a normal taker racing us can only win
 * that link (it never unlinks), which is correct.
 *
 * Returns 'removed' (now try to link), 'changed' (the file is not the one seen: look again) or 'busy' (another
 * process holds the guard: look again shortly). A guard whose holder died is itself stale and is removed by the
 * same procedure, one level deeper.
 */
export function removeStale(
  path: string,
  seen: LockSnapshot,
  ctx: TakeoverContext,
  depth = 0,
): TakeoverResult {
  const guard = guardFileFor(path, seen);
  const mine = ctx.guardContent();
  if (!linkExclusive(guard, mine)) {
    const g = readSnapshot(guard);
    if (g && depth < MAX_TAKEOVER_DEPTH && isStale(g, ctx)) removeStale(guard, g, ctx, depth + 1);
    return 'busy';
  }
  try {
    const now = readSnapshot(path);
    if (!now || now.dev !== seen.dev || now.ino !== seen.ino || now.content !== seen.content)
      return 'changed';
    unlinkQuiet(path);
    return 'removed';
  } finally {
    // Ours by the same argument: nobody removes a guard whose holder is alive.
    unlinkQuiet(guard);
  }
}

/** The guard for taking over exactly this file: named by its device, inode and bytes. */
export function guardFileFor(path: string, seen: LockSnapshot): string {
  const id = createHash('sha256')
    .update(`${seen.dev}:${seen.ino}:${seen.content}`)
    .digest('hex')
    .slice(0, 16);
  return `${path}.${id}.takeover`;
}

export function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
