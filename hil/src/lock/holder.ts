import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  started: string;
  /** Free text: the bench name / command that holds it. */
  owner: string;
}

/**
 * A lock file is a few hundred bytes of JSON; anything larger is not ours and is not read in full (a foreign or
 * corrupt file must not make the runner read megabytes).
 */
export const MAX_LOCK_FILE_BYTES = 4096;

/** What one open of a lock file saw: content and identity from the same file descriptor, so they belong together. */
export interface LockSnapshot {
  /** Raw bytes as text (at most MAX_LOCK_FILE_BYTES). */
  content: string;
  dev: number;
  ino: number;
  mtimeMs: number;
  /** The parsed holder, or null when the content is not a holder (garbage, empty, oversized). */
  holder: LockHolder | null;
}

/** Reads a lock file; null when it does not exist (released between our look and our read). */
export function readSnapshot(path: string): LockSnapshot | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    const buf = Buffer.alloc(Math.min(st.size, MAX_LOCK_FILE_BYTES));
    const n = buf.length > 0 ? readSync(fd, buf, 0, buf.length, 0) : 0;
    const content = buf.subarray(0, n).toString('utf8');
    return {
      content,
      dev: st.dev,
      ino: st.ino,
      mtimeMs: st.mtimeMs,
      holder: st.size > MAX_LOCK_FILE_BYTES ? null : parseHolder(content),
    };
  } finally {
    closeSync(fd);
  }
}

export function parseHolder(text: string): LockHolder | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const p = parsed as Partial<Record<keyof LockHolder, unknown>>;
  if (typeof p.pid !== 'number' || !Number.isInteger(p.pid) || p.pid <= 0 || typeof p.host !== 'string')
    return null;
  return {
    pid: p.pid,
    host: p.host,
    started: String(p.started ?? '?'),
    owner: String(p.owner ?? '?'),
  };
}

/** The holder of the lock file at `path`, or null when there is none or it is not readable as a holder. */
export function readHolder(path: string): LockHolder | null {
  try {
    return readSnapshot(path)?.holder ?? null;
  } catch {
    return null;
  }
}

/** "pid 123 on bench-1 (hil nightly), since <iso>": how messages and the runner's "waiting for ..." name a holder. */
export function describeHolder(holder: LockHolder): string {
  return `pid ${holder.pid} on ${holder.host} (${holder.owner}), since ${holder.started}`;
}
