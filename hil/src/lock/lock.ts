import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HilError } from '../errors';

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  started: string;
  /** Free text: the bench name / command that holds it. */
  owner: string;
}

export interface BenchLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

export interface LockOptions {
  dir?: string;
  owner?: string;
  /** Overridable for tests: is a process with this pid alive on this host? */
  isAlive?: (pid: number) => boolean;
  pid?: number;
  host?: string;
}

export const DEFAULT_LOCK_DIR = join(tmpdir(), 'esphil-locks');

/** File name for a port: the path flattened, so "/dev/ttyUSB0" -> "dev_ttyUSB0.lock". */
export function lockFileFor(port: string, dir = DEFAULT_LOCK_DIR): string {
  return join(dir, `${port.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, we just may not signal it.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock for one serial port with O_EXCL. A lock whose holder is a dead process on this host is stale and is
 * taken over; a live holder (or one on another host sharing the tmpdir) makes this throw `lock_held` naming it.
 */
export function acquireLock(port: string, opts: LockOptions = {}): BenchLock {
  const dir = opts.dir ?? DEFAULT_LOCK_DIR;
  mkdirSync(dir, { recursive: true });
  const path = lockFileFor(port, dir);
  const holder: LockHolder = {
    pid: opts.pid ?? process.pid,
    host: opts.host ?? hostname(),
    started: new Date().toISOString(),
    owner: opts.owner ?? 'hil',
  };
  const isAlive = opts.isAlive ?? pidAlive;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify(holder));
      closeSync(fd);
      let released = false;
      return {
        path,
        holder,
        release() {
          if (released) return;
          released = true;
          try {
            const current = readHolder(path);
            if (current && current.pid === holder.pid && current.host === holder.host) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const current = readHolder(path);
    const stale = current === null || (current.host === holder.host && !isAlive(current.pid));
    if (!stale) {
      throw new HilError(
        'lock_held',
        `serial port ${port} is in use by another run: pid ${current.pid} on ${current.host} (${current.owner}), since ${current.started}`,
        `wait for it to finish, or if that process is gone on another host, delete ${path}`,
      );
    }
    try {
      unlinkSync(path);
    } catch {
      // another run removed it first; retry the O_EXCL create
    }
  }
  throw new HilError(
    'lock_held',
    `could not take the lock for ${port}: another run keeps taking it`,
    `retry; lock file ${path}`,
  );
}

export function readHolder(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return {
      pid: parsed.pid,
      host: parsed.host,
      started: String(parsed.started ?? '?'),
      owner: String(parsed.owner ?? '?'),
    };
  } catch {
    return null;
  }
}
