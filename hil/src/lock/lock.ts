import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TIMER_MS } from '../bench/defaults';
import { HilError } from '../errors';
import { canonicalPort } from './canonical';
import { linkExclusive, removeStale, unlinkQuiet } from './exclusive';
import { describeHolder, type LockHolder, type LockSnapshot, parseHolder, readSnapshot } from './holder';
import { forget, heldHere, remember } from './registry';
import { GARBAGE_GRACE_MS, isStale, pidAlive } from './stale';

export { canonicalPort } from './canonical';
export { describeHolder, type LockHolder, readHolder } from './holder';

export interface BenchLock {
  readonly path: string;
  /** The port as locked: symlinks resolved (see canonicalPort). */
  readonly port: string;
  readonly holder: LockHolder;
  /** Removes the lock file if it is still ours (never another run's). Idempotent. */
  release(): void;
}

export interface LockOptions {
  dir?: string;
  owner?: string;
  /** Overridable for tests: is a process with this pid alive on this host? */
  isAlive?: (pid: number) => boolean;
  pid?: number;
  host?: string;
  /** How long to wait for a held lock (bench `timeouts.lockMs`); 0, the default, fails at once. */
  waitMs?: number;
  /** Stops a wait: acquireLock rejects with code `aborted`. */
  signal?: AbortSignal;
  /** Called once, when acquireLock starts waiting; `holder` is null for an unreadable lock file. */
  onWaiting?: (holder: LockHolder | null, description: string) => void;
  /** Poll interval while waiting (LOCK_POLL_MS). */
  pollMs?: number;
}

export const DEFAULT_LOCK_DIR = join(tmpdir(), 'esphil-locks');
/** How often a waiting run looks at a held lock. A handover costs up to this much; a run holds a bench for minutes. */
export const LOCK_POLL_MS = 250;
/**
 * Back-off after a transient state (the lock vanished between our link and our read, another process is taking
 * over a stale lock) and how many of those in a row before we report what we last saw: these resolve within
 * microseconds, the bound only stops a livelock.
 */
export const TRANSIENT_RETRY_MS = 2;
export const MAX_TRANSIENT_RETRIES = 50;
/** Longest lock file name stem; a longer port path is cut and a hash appended (NAME_MAX is 255 with temp suffixes). */
const MAX_STEM = 120;

/**
 * File name for a port: the canonical path flattened, "/dev/ttyUSB0" -> "dev_ttyUSB0.lock". Two different paths
 * can flatten alike ("/dev/a_b", "/dev/a/b"); then they share a lock, which is safe (it only over-locks).
 */
export function lockFileFor(port: string, dir = DEFAULT_LOCK_DIR): string {
  let stem = canonicalPort(port)
    .replace(/^\/+/, '')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  if (stem.length > MAX_STEM) {
    stem = `${stem.slice(0, MAX_STEM - 17)}-${createHash('sha256').update(stem).digest('hex').slice(0, 16)}`;
  }
  return join(dir, `${stem}.lock`);
}

type Attempt =
  | { kind: 'acquired'; lock: BenchLock }
  | { kind: 'held'; seen: LockSnapshot }
  | { kind: 'retry' };

/**
 * Takes the lock for one serial port. The lock file is keyed on the canonical path and holds who took it (pid,
 * host, start, owner); it becomes visible complete (temp file + link). A lock is stale, and taken over race-free,
 * only when its holder is a dead process on this host (or an unreadable file older than GARBAGE_GRACE_MS); a live
 * holder, or one on another host sharing the directory, makes this wait up to `waitMs` and then reject with
 * `lock_held` naming it.
 */
export async function acquireLock(port: string, opts: LockOptions = {}): Promise<BenchLock> {
  const waitMs = checkWait(opts.waitMs ?? 0, 'waitMs');
  const pollMs = Math.max(1, checkWait(opts.pollMs ?? LOCK_POLL_MS, 'pollMs'));
  const dir = opts.dir ?? DEFAULT_LOCK_DIR;
  const canonical = canonicalPort(port);
  const path = lockFileFor(canonical, dir);
  const holder: LockHolder = {
    pid: opts.pid ?? process.pid,
    host: opts.host ?? hostname(),
    started: new Date().toISOString(),
    owner: opts.owner ?? 'hil',
  };
  const named = canonical === port ? port : `${port} (${canonical})`;
  throwIfAborted(opts.signal, named);
  const mine = heldHere(path);
  if (mine !== undefined && holder.pid === process.pid) {
    // Defence in depth: bench validation already refuses a DUT and probe on one port. Waiting would never end.
    const held = parseHolder(mine);
    throw new HilError(
      'lock_held',
      `serial port ${named} is already locked by this process${held ? `: ${describeHolder(held)}` : ''}`,
      'a port takes one lock per run: the DUT and the probe need their own ports (check dut.port and probe.port), and a lock is freed by its release()',
    );
  }
  ensureDir(dir);
  const ctx = {
    host: holder.host,
    isAlive: opts.isAlive ?? pidAlive,
    now: 0,
    guardContent: () => JSON.stringify({ ...holder, token: randomUUID() }),
  };
  const deadline = Date.now() + waitMs;
  let announced = false;
  let transient = 0;
  let last: LockSnapshot | null = null;
  for (;;) {
    ctx.now = Date.now();
    const r = attempt(path, canonical, holder, ctx);
    if (r.kind === 'acquired') return r.lock;
    if (r.kind === 'retry' && transient++ < MAX_TRANSIENT_RETRIES) {
      await pause(TRANSIENT_RETRY_MS, opts.signal, named);
      continue;
    }
    if (r.kind === 'held') last = r.seen;
    const left = deadline - Date.now();
    if (left <= 0) throw heldError(named, path, last, waitMs);
    if (!announced) {
      announced = true;
      opts.onWaiting?.(last?.holder ?? null, seenDescription(last));
    }
    transient = 0;
    await pause(Math.min(pollMs, left), opts.signal, named);
  }
}

function attempt(
  path: string,
  port: string,
  holder: LockHolder,
  ctx: Parameters<typeof removeStale>[2],
): Attempt {
  // "since" is when it was taken, not when we started waiting for it.
  const mine: LockHolder = { ...holder, started: new Date().toISOString() };
  const content = JSON.stringify({ ...mine, token: randomUUID() });
  if (guarded(() => linkExclusive(path, content), path)) {
    remember(path, content);
    return { kind: 'acquired', lock: benchLock(path, port, mine, content) };
  }
  const seen = guarded(() => readSnapshot(path), path);
  if (!seen) return { kind: 'retry' };
  if (!isStale(seen, ctx)) return { kind: 'held', seen };
  guarded(() => removeStale(path, seen, ctx), path);
  return { kind: 'retry' };
}

function benchLock(path: string, port: string, holder: LockHolder, content: string): BenchLock {
  let released = false;
  return {
    path,
    port,
    holder,
    release() {
      if (released) return;
      released = true;
      try {
        // Compare the bytes: only the exact file we published is removed. Nobody can swap it between this read and
        // the unlink: a live holder's lock is never judged stale.
        if (readSnapshot(path)?.content === content) unlinkQuiet(path);
      } catch {
        // A lock dir gone or unreadable at cleanup: nothing of ours left to remove.
      } finally {
        forget(path, content);
      }
    },
  };
}

function heldError(port: string, path: string, seen: LockSnapshot | null, waitMs: number): HilError {
  const waited = waitMs > 0 ? ` (waited ${waitMs} ms)` : '';
  if (seen && !seen.holder) {
    return new HilError(
      'lock_held',
      `serial port ${port}: its lock file ${path} is unreadable (last written ${new Date(seen.mtimeMs).toISOString()})${waited}`,
      `it is not an esphil lock or is being written; if no run is using the port, delete ${path} (after ${GARBAGE_GRACE_MS / 1000} s it is taken over)`,
    );
  }
  const who = seen?.holder ? describeHolder(seen.holder) : 'another run that keeps taking it';
  return new HilError(
    'lock_held',
    `serial port ${port} is in use by another run: ${who}${waited}`,
    `wait for it to finish (or set timeouts.lockMs to wait), or if that process is gone on another host, delete ${path}`,
  );
}

function seenDescription(seen: LockSnapshot | null): string {
  if (!seen) return 'another run';
  return seen.holder ? describeHolder(seen.holder) : 'an unreadable lock file';
}

function checkWait(ms: number, name: string): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_MS) {
    throw new HilError(
      'bad_args',
      `${name} ${ms} is outside [0, ${MAX_TIMER_MS}] ms`,
      'give milliseconds; 0 = do not wait',
    );
  }
  return ms;
}

function ensureDir(dir: string): void {
  guarded(() => mkdirSync(dir, { recursive: true }), dir);
}

/** File system failures other than "held" (no permission, no space, no hard links) as a HilError saying what to fix. */
function guarded<T>(fn: () => T, path: string): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new HilError(
      'lock_failed',
      `cannot use the lock file ${path}: ${code} ${(e as Error).message}`,
      code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS'
        ? 'the lock directory must be on a file system with hard links (a local tmp), not FAT or some FUSE mounts'
        : 'make the lock directory writable for every bench user (e.g. chmod 1777), or pass another lock dir',
    );
  }
}

function abortError(port: string): HilError {
  return new HilError('aborted', `waiting for the lock on ${port} was aborted`, 'the run was stopped');
}

function throwIfAborted(signal: AbortSignal | undefined, port: string): void {
  if (signal?.aborted) throw abortError(port);
}

function pause(ms: number, signal: AbortSignal | undefined, port: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(port));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(port));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
