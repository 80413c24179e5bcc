import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceAliases } from '../../../vitest.shared';
import { useTempDirs } from '../testing/temp-dirs';
import { lockFileFor } from './lock';

const WRITERS = 4;
const ROUNDS = 200;
/** Every CRASH_EVERY-th round a writer leaves a stale lock behind instead of releasing. */
const CRASH_EVERY = 10;
const tempDir = useTempDirs();
const children: ChildProcess[] = [];

afterEach(async () => {
  await Promise.all(
    children.splice(0).map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    }),
  );
});

type Msg =
  | { type: 'ready' }
  | { type: 'result'; result: Record<string, unknown> }
  | { type: 'error'; error: string };

function start(data: Record<string, unknown>): ChildProcess {
  const script = fileURLToPath(new URL('../testing/lock-race-child.mjs', import.meta.url));
  const env = {
    ...process.env,
    ESPHIL_LOCK_RACE: JSON.stringify({
      root: fileURLToPath(new URL('../..', import.meta.url)),
      aliases: sourceAliases,
      entry: fileURLToPath(new URL('./lock.ts', import.meta.url)),
      ...data,
    }),
  };
  const child = fork(script, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  return child;
}

/** The next message of `type` from a child; rejects if it reports an error or exits first. */
function next(child: ChildProcess, type: 'ready' | 'result'): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Msg) => {
      if (m.type === 'error') done(() => reject(new Error(m.error)));
      else if (m.type === type) done(() => resolve(m.type === 'result' ? m.result : {}));
    };
    const onExit = (code: number | null) =>
      done(() => reject(new Error(`lock race child exited (${code}) before "${type}"`)));
    const done = (f: () => void) => {
      child.off('message', onMessage);
      child.off('exit', onExit);
      f();
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

describe('lock race between real processes', () => {
  it(`${WRITERS} processes x ${ROUNDS} acquisitions never overlap, and readers never see a partial lock file`, async () => {
    const d = await tempDir('lock-race-');
    const dir = join(d, 'locks');
    await mkdir(dir);
    // Half the writers lock the symlink, half its target: one lock only if paths are canonicalised.
    const target = join(d, 'ttyRACE0');
    const link = join(d, 'serial-by-id-race');
    await writeFile(target, '');
    await symlink(target, link);
    const lockFile = lockFileFor(target, dir);
    const log = join(d, 'enter-exit.log');
    const marker = join(d, 'occupied');

    // A pid that has exited: stale locks name it (the crashed run at the start and every writer's "crashes").
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const writers = Array.from({ length: WRITERS }, (_, id) =>
      start({
        role: 'writer',
        id,
        port: id % 2 === 0 ? target : link,
        dir,
        rounds: ROUNDS,
        crashEvery: CRASH_EVERY,
        deadPid,
        log,
        marker,
      }),
    );
    const reader = start({ role: 'reader', lockFile });
    await Promise.all([...writers, reader].map((c) => next(c, 'ready')));

    // A stale lock (a process that has exited, this host) that every writer sees at once: only one may take it over.
    await writeFile(
      lockFile,
      JSON.stringify({ pid: deadPid, host: hostname(), started: 'x', owner: 'crashed run' }),
    );

    const readerResult = next(reader, 'result');
    reader.send('go');
    const results = writers.map((c) => next(c, 'result'));
    for (const c of writers) c.send('go');
    const done = await Promise.all(results);
    reader.send('stop');
    const read = await readerResult;

    expect(done.map((r) => r.overlaps)).toEqual(Array(WRITERS).fill(0));
    // Enter and exit strictly alternate, each exit by the one that entered last.
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(WRITERS * ROUNDS * 2);
    const interleaved: string[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const [a, b] = [lines[i] ?? '', lines[i + 1] ?? ''];
      if (!/^\d+ enter \d+$/.test(a) || b !== a.replace(' enter ', ' exit ')) interleaved.push(`${a} | ${b}`);
    }
    expect(interleaved).toEqual([]);
    expect(read.bad).toEqual([]);
    expect(read.badCount).toBe(0);
    // Guards against a vacuous pass: the reader did look at the lock while the writers churned.
    expect(read.reads as number).toBeGreaterThan(0);
    // Every writer's last round releases normally, so the last holder leaves nothing (no stale file, no guard).
    expect(existsSync(lockFile)).toBe(false);
    expect((await readdir(dir)).sort()).toEqual([]);
  });
});
