// A child process for the lock race test (src/lock/race.test.ts): loads src/lock/lock.ts through a Vite module
// runner (as isolated-worker.mjs does for the runner) and, on "go", either takes the lock many times (writer, now
// and then leaving a stale lock as a crashed run would) or reads the lock file in a loop (reader). Reports counts to the parent over IPC; never decides the verdict itself.
import {
  appendFileSync,
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { importFromSource } from './source-runner.mjs';

const data = JSON.parse(process.env.ESPHIL_LOCK_RACE ?? '{}');
const { module: lock, server } = await importFromSource(data);

const tick = () => new Promise((r) => setImmediate(r));

async function writer() {
  let overlaps = 0;
  for (let i = 0; i < data.rounds; i++) {
    const l = await lock.acquireLock(data.port, {
      dir: data.dir,
      owner: `race ${data.id}`,
      waitMs: 60_000,
      pollMs: 1,
    });
    // The marker is created exclusively while holding the lock: if it exists, another holder is inside too.
    let fd = null;
    try {
      fd = openSync(data.marker, 'wx');
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      overlaps++;
    }
    appendFileSync(data.log, `${data.id} enter ${i}\n`);
    await tick();
    appendFileSync(data.log, `${data.id} exit ${i}\n`);
    if (fd !== null) {
      closeSync(fd);
      unlinkSync(data.marker);
    }
    if (i % data.crashEvery === data.crashEvery - 1 && i !== data.rounds - 1) {
      // "Crash": the lock file is left behind, its holder a dead process, and every waiter sees that stale lock at
      // once: only one of them may take it over. (Swapped in by rename, so it too appears complete.) release()
      // then finds a file that is not ours and must leave it.
      const tmp = `${l.path}.crash-${data.id}`;
      writeFileSync(tmp, JSON.stringify({ ...l.holder, pid: data.deadPid, owner: `crashed ${data.id}` }));
      renameSync(tmp, l.path);
    }
    l.release();
  }
  return { overlaps, rounds: data.rounds };
}

async function reader() {
  let reads = 0;
  const bad = [];
  while (!stopped) {
    for (let k = 0; k < 50; k++) {
      let text;
      try {
        text = readFileSync(data.lockFile, 'utf8');
      } catch (e) {
        if (e.code === 'ENOENT') continue;
        throw e;
      }
      reads++;
      try {
        const h = JSON.parse(text);
        if (typeof h.pid !== 'number' || typeof h.host !== 'string') bad.push(text);
      } catch {
        bad.push(text);
      }
    }
    await tick();
  }
  return { reads, bad: bad.slice(0, 5), badCount: bad.length };
}

let stopped = false;
process.on('message', async (m) => {
  if (m === 'stop') {
    stopped = true;
    return;
  }
  if (m !== 'go') return;
  try {
    const result = data.role === 'reader' ? await reader() : await writer();
    process.send({ type: 'result', result });
  } catch (e) {
    process.send({ type: 'error', error: String(e?.stack ?? e) });
  } finally {
    await server.close();
    process.disconnect();
  }
});
process.send({ type: 'ready' });
