import { existsSync } from 'node:fs';
import { readdir, readFile, rename, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { acquireLock, canonicalPort, lockFileFor, readHolder } from './lock';
import { GARBAGE_GRACE_MS } from './stale';

const tempDir = useTempDirs();
const dir = () => tempDir('locks-');

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('bench locks', () => {
  it('one lock per port: a second taker gets lock_held naming the holder', async () => {
    const d = await dir();
    const a = await acquireLock('/dev/ttyUSB0', { dir: d, owner: 'hil sim nightly' });
    expect(JSON.parse(await readFile(a.path, 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
      owner: 'hil sim nightly',
    });
    // Another process (simulated by its pid) finds it held.
    const err = await rejection(acquireLock('/dev/ttyUSB0', { dir: d, pid: process.pid + 1 }));
    expect(err).toMatchObject({ code: 'lock_held' });
    expect(err.message).toContain(
      `pid ${process.pid} on ${hostname()} (hil sim nightly), since ${a.holder.started}`,
    );
    expect(err.hint).toMatch(/timeouts\.lockMs/);
    // Another port is independent.
    (await acquireLock('/dev/ttyUSB1', { dir: d })).release();
    a.release();
    expect(existsSync(a.path)).toBe(false);
    (await acquireLock('/dev/ttyUSB0', { dir: d })).release();
    // Nothing left behind: no temp files, no guards.
    expect(await readdir(d)).toEqual([]);
  });

  it('refuses a second acquisition of a lock this process already holds, saying why', async () => {
    const d = await dir();
    const a = await acquireLock('/dev/ttyUSB0', { dir: d, owner: 'hil desk' });
    const err = await rejection(acquireLock('/dev/ttyUSB0', { dir: d, waitMs: 60_000 }));
    expect(err).toMatchObject({ code: 'lock_held' });
    expect(err.message).toMatch(/already locked by this process: pid \d+ .*\(hil desk\)/);
    expect(err.hint).toMatch(/dut\.port and probe\.port/);
    a.release();
    (await acquireLock('/dev/ttyUSB0', { dir: d })).release();
  });

  it('a symlink and its target share one lock; a missing path is keyed as given', async () => {
    const d = await dir();
    const target = join(d, 'ttyUSB7');
    const link = join(d, 'usb-Silicon_Labs_CP2102-if00-port0');
    await writeFile(target, '');
    await symlink(target, link);
    expect(canonicalPort(link)).toBe(canonicalPort(target));
    expect(lockFileFor(link, d)).toBe(lockFileFor(target, d));
    const a = await acquireLock(link, { dir: d });
    expect(a.port).toBe(canonicalPort(target));
    const err = await rejection(acquireLock(target, { dir: d, pid: process.pid + 1 }));
    expect(err).toMatchObject({ code: 'lock_held' });
    a.release();

    expect(canonicalPort('/dev/esphil-no-such-port')).toBe('/dev/esphil-no-such-port');
    const m = await acquireLock('/dev/esphil-no-such-port', { dir: d });
    expect(m.path).toBe(join(d, 'dev_esphil-no-such-port.lock'));
    m.release();
  });

  it('a very long port path still gives a usable lock file name', async () => {
    const d = await dir();
    const a = await acquireLock(`/dev/${'x'.repeat(400)}`, { dir: d });
    const b = await acquireLock(`/dev/${'x'.repeat(399)}y`, { dir: d });
    expect(a.path).not.toBe(b.path);
    a.release();
    b.release();
  });

  it('takes over a stale lock whose process is gone on this host', async () => {
    const d = await dir();
    await writeFile(
      lockFileFor('/dev/ttyACM0', d),
      JSON.stringify({ pid: 999999, host: hostname(), started: 'x', owner: 'old' }),
    );
    const l = await acquireLock('/dev/ttyACM0', { dir: d, isAlive: (pid) => pid !== 999999 });
    expect(l.holder.pid).toBe(process.pid);
    expect(readHolder(l.path)).toMatchObject({ pid: process.pid });
    l.release();
    expect(await readdir(d)).toEqual([]);
  });

  it('a live holder on this host is not stale', async () => {
    const d = await dir();
    // pid 1 exists on every Linux host (for a normal user, signalling it fails with EPERM: alive too, see pidAlive).
    await writeFile(
      lockFileFor('/dev/ttyACM0', d),
      JSON.stringify({ pid: 1, host: hostname(), started: 'x', owner: 'init' }),
    );
    const err = await rejection(acquireLock('/dev/ttyACM0', { dir: d }));
    expect(err).toMatchObject({ code: 'lock_held' });
    expect(err.message).toContain(`pid 1 on ${hostname()} (init)`);
  });

  it('never takes over a lock held from another host (shared tmp): it names that host', async () => {
    const d = await dir();
    await writeFile(
      lockFileFor('/dev/ttyACM0', d),
      JSON.stringify({ pid: 1, host: 'bench-2', started: 'x', owner: 'ci' }),
    );
    const err = await rejection(acquireLock('/dev/ttyACM0', { dir: d, isAlive: () => false }));
    expect(err.message).toMatch(/pid 1 on bench-2 \(ci\), since x/);
  });

  it('an unreadable lock file is left alone for the grace period, then taken over', async () => {
    const d = await dir();
    const path = lockFileFor('/dev/ttyACM0', d);
    await writeFile(path, ''); // what an older esphil showed while it was still writing its holder
    const err = await rejection(acquireLock('/dev/ttyACM0', { dir: d, isAlive: () => false }));
    expect(err).toMatchObject({ code: 'lock_held' });
    expect(err.message).toMatch(/unreadable/);
    expect(err.hint).toContain(path);
    const old = (Date.now() - GARBAGE_GRACE_MS - 1000) / 1000;
    await utimes(path, old, old);
    const l = await acquireLock('/dev/ttyACM0', { dir: d });
    expect(readHolder(path)?.pid).toBe(process.pid);
    l.release();
  });

  it('an oversized lock file is not read in full and counts as unreadable', async () => {
    const d = await dir();
    const path = lockFileFor('/dev/ttyACM0', d);
    await writeFile(path, JSON.stringify({ pid: 1, host: 'bench-2', pad: 'x'.repeat(10_000) }));
    expect(readHolder(path)).toBeNull();
  });

  it('release only removes its own lock, not one someone else took over', async () => {
    const d = await dir();
    const l = await acquireLock('/dev/x', { dir: d });
    // Another run took it over (swapped in atomically, as a takeover does).
    const other = JSON.stringify({ pid: 4242, host: hostname(), started: 'x', owner: 'other' });
    await writeFile(join(d, 'swap'), other);
    await rename(join(d, 'swap'), l.path);
    l.release();
    expect(await readFile(l.path, 'utf8')).toBe(other);
  });

  it('release compares the whole holder: same pid and host but another acquisition stays', async () => {
    const d = await dir();
    const l = await acquireLock('/dev/x', { dir: d });
    l.release();
    const again = await acquireLock('/dev/x', { dir: d });
    l.release(); // a second release of the old handle is a no-op
    expect(readHolder(again.path)?.pid).toBe(process.pid);
    again.release();
    expect(existsSync(again.path)).toBe(false);
  });

  it('a lock directory it cannot write is a lock_failed error, not a crash', async () => {
    const d = await dir();
    await writeFile(join(d, 'file'), '');
    const err = await rejection(acquireLock('/dev/x', { dir: join(d, 'file') }));
    expect(err).toMatchObject({ code: 'lock_failed' });
    expect(err.hint).toBeTruthy();
  });

  it('rejects a waitMs outside [0, 2^31-1]', async () => {
    for (const waitMs of [-1, Number.NaN, 2 ** 31]) {
      expect(await rejection(acquireLock('/dev/x', { dir: await dir(), waitMs }))).toMatchObject({
        code: 'bad_args',
      });
    }
  });
});
