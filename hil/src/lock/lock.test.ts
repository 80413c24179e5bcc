import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, lockFileFor } from './lock';

const dir = () => mkdtemp(join(tmpdir(), 'locks-'));

describe('bench locks', () => {
  it('one lock per port: a second taker gets lock_held naming the holder', async () => {
    const d = await dir();
    const a = acquireLock('/dev/ttyUSB0', { dir: d, owner: 'hil sim nightly' });
    expect(JSON.parse(await readFile(a.path, 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
      owner: 'hil sim nightly',
    });
    let err: unknown;
    try {
      acquireLock('/dev/ttyUSB0', { dir: d, pid: process.pid + 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'lock_held' });
    expect((err as Error).message).toContain(`pid ${process.pid} on ${hostname()} (hil sim nightly)`);
    // Another port is independent.
    acquireLock('/dev/ttyUSB1', { dir: d }).release();
    a.release();
    acquireLock('/dev/ttyUSB0', { dir: d }).release();
  });

  it('takes over a stale lock whose process is gone on this host', async () => {
    const d = await dir();
    await writeFile(
      lockFileFor('/dev/ttyACM0', d),
      JSON.stringify({ pid: 999999, host: hostname(), started: 'x', owner: 'old' }),
    );
    const l = acquireLock('/dev/ttyACM0', { dir: d, isAlive: (pid) => pid !== 999999 });
    expect(l.holder.pid).toBe(process.pid);
    l.release();
  });

  it('never takes over a lock held from another host (shared tmp): it names that host', async () => {
    const d = await dir();
    await writeFile(
      lockFileFor('/dev/ttyACM0', d),
      JSON.stringify({ pid: 1, host: 'bench-2', started: 'x', owner: 'ci' }),
    );
    expect(() => acquireLock('/dev/ttyACM0', { dir: d, isAlive: () => false })).toThrow(/pid 1 on bench-2/);
  });

  it('release only removes its own lock', async () => {
    const d = await dir();
    const l = acquireLock('/dev/x', { dir: d });
    await writeFile(l.path, JSON.stringify({ pid: 4242, host: hostname(), started: 'x', owner: 'other' }));
    l.release();
    expect(JSON.parse(await readFile(l.path, 'utf8')).pid).toBe(4242);
  });
});
