import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sourceAliases } from '../../../vitest.shared';
import type { RunHilOptions, RunHilResult } from '../run/run-hil';

export interface IsolatedRunner {
  run(options: RunHilOptions): Promise<Pick<RunHilResult, 'exitCode' | 'report'>>;
  close(): Promise<void>;
}

/**
 * runHil in a worker thread (one per test file, reused across runs): the runner drives its own in-process vitest,
 * which cannot share a thread with the vitest worker running these tests. Options cross by structured clone,
 * so only plain data (no progress sink, no resolved bench with functions) can be passed.
 */
export async function startIsolatedRunner(opts: { process?: boolean } = {}): Promise<IsolatedRunner> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const data = {
    root,
    aliases: sourceAliases,
    entry: fileURLToPath(new URL('../run/run-hil.ts', import.meta.url)),
  };
  const script = new URL('./isolated-worker.mjs', import.meta.url);
  // The native serialport addon must not load in a worker thread: pty tests use a child process.
  const worker = opts.process
    ? fork(fileURLToPath(script), [], {
        env: { ...process.env, ESPHIL_ISOLATED: JSON.stringify(data) },
        stdio: 'inherit',
      })
    : new Worker(script, { workerData: data });
  const [first] = (await once(worker, 'message')) as [{ type?: string }];
  if (first.type !== 'ready') throw new Error('isolated runner did not start');
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (r: Pick<RunHilResult, 'exitCode' | 'report'>) => void; reject: (e: Error) => void }
  >();
  worker.on(
    'message',
    (m: { id: number; result?: Pick<RunHilResult, 'exitCode' | 'report'>; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.result) p.resolve(m.result);
      else p.reject(new Error(m.error ?? 'unknown error'));
    },
  );
  worker.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });
  return {
    run(options) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (worker instanceof Worker) worker.postMessage({ id, options });
        else worker.send({ id, options });
      });
    },
    async close() {
      if (worker instanceof Worker) worker.postMessage({ type: 'close' });
      else worker.send({ type: 'close' });
      await once(worker, 'exit');
    },
  };
}
