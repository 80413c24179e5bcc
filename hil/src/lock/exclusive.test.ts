import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { guardFileFor, linkExclusive, removeStale, type TakeoverContext } from './exclusive';
import { readSnapshot } from './holder';
import { pidAlive } from './stale';

const tempDir = useTempDirs();
const holder = (pid: number, owner: string, host = hostname()) =>
  JSON.stringify({ pid, host, started: 'x', owner, token: owner });
const DEAD = 999_999;
const ctx = (over: Partial<TakeoverContext> = {}): TakeoverContext => ({
  host: hostname(),
  isAlive: (pid) => pid !== DEAD,
  now: Date.now(),
  guardContent: () => holder(process.pid, 'taker'),
  ...over,
});

describe('linkExclusive', () => {
  it('publishes complete content, never replaces an existing file, and leaves no temp file', async () => {
    const d = await tempDir('excl-');
    const target = join(d, 'a.lock');
    expect(linkExclusive(target, holder(1, 'first'))).toBe(true);
    expect(linkExclusive(target, holder(2, 'second'))).toBe(false);
    expect(await readFile(target, 'utf8')).toBe(holder(1, 'first'));
    expect(await readdir(d)).toEqual(['a.lock']);
  });
});

describe('removeStale (taking over a stale lock)', () => {
  it('removes the stale file it saw, and nothing else is left', async () => {
    const d = await tempDir('excl-');
    const path = join(d, 'a.lock');
    await writeFile(path, holder(DEAD, 'crashed'));
    const seen = readSnapshot(path)!;
    expect(removeStale(path, seen, ctx())).toBe('removed');
    expect(await readdir(d)).toEqual([]);
  });

  it('a late taker whose stale view was already taken over removes nothing (the A/B race)', async () => {
    const d = await tempDir('excl-');
    const path = join(d, 'a.lock');
    await writeFile(path, holder(DEAD, 'crashed'));
    // A and B both look and both judge the same file stale.
    const seenByA = readSnapshot(path)!;
    const seenByB = readSnapshot(path)!;
    // A takes over and now holds a live lock.
    expect(removeStale(path, seenByA, ctx())).toBe('removed');
    expect(linkExclusive(path, holder(process.pid, 'A'))).toBe(true);
    // B acts on its old view: it must not remove A's lock.
    expect(removeStale(path, seenByB, ctx())).toBe('changed');
    expect(await readFile(path, 'utf8')).toBe(holder(process.pid, 'A'));
  });

  it('the same bytes in a new file are not the file that was judged (inode checked)', async () => {
    const d = await tempDir('excl-');
    const path = join(d, 'a.lock');
    await writeFile(path, '');
    const seen = readSnapshot(path)!;
    // The unreadable file is replaced by another unreadable one with identical (empty) bytes.
    await writeFile(join(d, 'other'), '');
    await rename(path, join(d, 'old')); // kept, so its inode cannot be reused by the new file
    await rename(join(d, 'other'), path);
    expect(removeStale(path, seen, ctx())).toBe('changed');
    expect(readSnapshot(path)).not.toBeNull();
  });

  it('while another process holds the takeover guard, it backs off and touches nothing', async () => {
    const d = await tempDir('excl-');
    const path = join(d, 'a.lock');
    await writeFile(path, holder(DEAD, 'crashed'));
    const seen = readSnapshot(path)!;
    // Another live process (pid 1) is in the middle of taking it over: its guard exists.
    const guard = guardFileFor(path, seen);
    await writeFile(guard, holder(1, 'other taker'));
    expect(removeStale(path, seen, ctx())).toBe('busy');
    expect(await readFile(path, 'utf8')).toBe(holder(DEAD, 'crashed'));
    expect(await readFile(guard, 'utf8')).toBe(holder(1, 'other taker'));
  });

  it('a guard left by a taker that died is itself stale: cleared, then the takeover goes ahead', async () => {
    const d = await tempDir('excl-');
    const path = join(d, 'a.lock');
    await writeFile(path, holder(DEAD, 'crashed'));
    const seen = readSnapshot(path)!;
    await writeFile(guardFileFor(path, seen), holder(DEAD, 'taker that died'));
    expect(removeStale(path, seen, ctx())).toBe('busy');
    expect(removeStale(path, seen, ctx())).toBe('removed');
    expect(await readdir(d)).toEqual([]);
  });
});

describe('pidAlive', () => {
  it('EPERM (exists, not ours to signal) is alive; ESRCH is dead', () => {
    const kill = vi.spyOn(process, 'kill');
    try {
      kill.mockImplementationOnce(() => {
        throw Object.assign(new Error('not permitted'), { code: 'EPERM' });
      });
      expect(pidAlive(1234)).toBe(true);
      kill.mockImplementationOnce(() => {
        throw Object.assign(new Error('no such process'), { code: 'ESRCH' });
      });
      expect(pidAlive(1234)).toBe(false);
    } finally {
      kill.mockRestore();
    }
    expect(pidAlive(process.pid)).toBe(true);
  });
});
