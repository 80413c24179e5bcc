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
export async function startIsolatedRunner(): Promise<IsolatedRunner> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const worker = new Worker(new URL('./isolated-worker.mjs', import.meta.url), {
    workerData: {
      root,
      aliases: sourceAliases,
      entry: fileURLToPath(new URL('../run/run-hil.ts', import.meta.url)),
    },
  });
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
        worker.postMessage({ id, options });
      });
    },
    async close() {
      worker.postMessage({ type: 'close' });
      await once(worker, 'exit');
    },
  };
}
