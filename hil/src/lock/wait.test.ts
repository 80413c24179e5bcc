import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { acquireLock, LOCK_POLL_MS, lockFileFor, TRANSIENT_RETRY_MS } from './lock';

const tempDir = useTempDirs();
/** Another process, as far as the lock is concerned (the same process may not take its own lock twice). */
const OTHER = process.pid + 1;
const PORT = '/dev/ttyUSB0';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function settle<T>(p: Promise<T>) {
  const out: { value?: T; error?: Error & { code?: string; hint?: string }; done: boolean } = { done: false };
  p.then(
    (v) => Object.assign(out, { value: v, done: true }),
    (e) => Object.assign(out, { error: e, done: true }),
  );
  return out;
}

describe('waiting for a lock (timeouts.lockMs)', () => {
  it('waits while it is held, says once whom it waits for, and takes it when released', async () => {
    const d = await tempDir('lock-wait-');
    const first = await acquireLock(PORT, { dir: d, owner: 'hil nightly' });
    const waiting: string[] = [];
    const p = settle(
      acquireLock(PORT, {
        dir: d,
        pid: OTHER,
        waitMs: 60_000,
        onWaiting: (holder, description) => waiting.push(`${holder?.owner}: ${description}`),
      }),
    );
    await vi.advanceTimersByTimeAsync(LOCK_POLL_MS * 4);
    expect(p.done).toBe(false);
    expect(waiting).toEqual([
      `hil nightly: pid ${process.pid} on ${hostname()} (hil nightly), since ${first.holder.started}`,
    ]);
    first.release();
    await vi.advanceTimersByTimeAsync(LOCK_POLL_MS);
    expect(p.error).toBeUndefined();
    expect(p.value?.holder.pid).toBe(OTHER);
    p.value?.release();
    expect(existsSync(lockFileFor(PORT, d))).toBe(false);
  });

  it('takes over when the holder it waits for dies, and names an unreadable file as such', async () => {
    const d = await tempDir('lock-wait-');
    await writeFile(
      lockFileFor(PORT, d),
      JSON.stringify({ pid: 4242, host: hostname(), started: 'x', owner: 'hil old run' }),
    );
    let alive = true;
    const p = settle(
      acquireLock(PORT, {
        dir: d,
        waitMs: 60_000,
        isAlive: () => alive,
        onWaiting: () => {
          alive = false;
        },
      }),
    );
    // One poll finds it stale and removes it; the retry right after takes it.
    await vi.advanceTimersByTimeAsync(LOCK_POLL_MS + TRANSIENT_RETRY_MS);
    expect(p.value?.holder.pid).toBe(process.pid);
    p.value?.release();

    await writeFile(lockFileFor(PORT, d), '{"pid":');
    const seen: unknown[] = [];
    const q = settle(acquireLock(PORT, { dir: d, waitMs: 1_000, onWaiting: (h, why) => seen.push(h, why) }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(seen).toEqual([null, 'an unreadable lock file']);
    expect(q.error?.message).toMatch(/is unreadable/);
  });

  it('times out with lock_held naming the holder and how long it waited', async () => {
    const d = await tempDir('lock-wait-');
    await writeFile(
      lockFileFor(PORT, d),
      JSON.stringify({ pid: 77, host: 'bench-2', started: '2030-01-01T00:00:00.000Z', owner: 'hil ci' }),
    );
    const p = settle(acquireLock(PORT, { dir: d, waitMs: 5_000 }));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(p.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(p.error).toMatchObject({ code: 'lock_held' });
    expect(p.error?.message).toBe(
      'serial port /dev/ttyUSB0 is in use by another run: pid 77 on bench-2 (hil ci), since 2030-01-01T00:00:00.000Z (waited 5000 ms)',
    );
    expect(p.error?.hint).toContain(lockFileFor(PORT, d));
  });

  it('without waitMs it fails at once and never calls onWaiting', async () => {
    const d = await tempDir('lock-wait-');
    const first = await acquireLock(PORT, { dir: d });
    const onWaiting = vi.fn();
    const p = settle(acquireLock(PORT, { dir: d, pid: OTHER, onWaiting }));
    await vi.advanceTimersByTimeAsync(0);
    expect(p.error).toMatchObject({ code: 'lock_held' });
    expect(onWaiting).not.toHaveBeenCalled();
    first.release();
  });

  it('an abort signal stops the wait at once with code aborted, and takes nothing', async () => {
    const d = await tempDir('lock-wait-');
    const first = await acquireLock(PORT, { dir: d });
    const ac = new AbortController();
    const p = settle(acquireLock(PORT, { dir: d, pid: OTHER, waitMs: 600_000, signal: ac.signal }));
    await vi.advanceTimersByTimeAsync(LOCK_POLL_MS * 2);
    expect(p.done).toBe(false);
    ac.abort();
    // No time passes (only pending promises settle): the rejection does not wait for the next poll.
    await vi.advanceTimersByTimeAsync(0);
    expect(p.error).toMatchObject({ code: 'aborted' });
    first.release();
    // The aborted waiter left nothing behind.
    expect(existsSync(lockFileFor(PORT, d))).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an already aborted signal rejects before taking the lock', async () => {
    const d = await tempDir('lock-wait-');
    const p = settle(acquireLock(PORT, { dir: d, signal: AbortSignal.abort() }));
    await vi.advanceTimersByTimeAsync(0);
    expect(p.error).toMatchObject({ code: 'aborted' });
    expect(existsSync(lockFileFor(PORT, d))).toBe(false);
  });
});
