import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sourceAliases } from '../../../vitest.shared';
import type { RunHilOptions, RunHilResult } from '../run/run-hil';

/** What crosses back from the isolated run besides the result: its stage progress lines. */
export interface IsolatedControl {
  /** Aborting aborts the run's RunHilOptions.signal in the worker, with the same reason (a string). */
  signal?: AbortSignal;
  onStage?: (name: string, status: string) => void;
}

export interface IsolatedRunner {
  run(options: RunHilOptions, control?: IsolatedControl): Promise<Pick<RunHilResult, 'exitCode' | 'report'>>;
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
    {
      resolve: (r: Pick<RunHilResult, 'exitCode' | 'report'>) => void;
      reject: (e: Error) => void;
      control: IsolatedControl;
    }
  >();
  worker.on(
    'message',
    (m: {
      id: number;
      result?: Pick<RunHilResult, 'exitCode' | 'report'>;
      error?: string;
      stage?: { name: string; status: string };
    }) => {
      const p = pending.get(m.id);
      if (!p) return;
      if (m.stage) {
        p.control.onStage?.(m.stage.name, m.stage.status);
        return;
      }
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
    run(options, control = {}) {
      const id = nextId++;
      const post = (m: object) => (worker instanceof Worker ? worker.postMessage(m) : worker.send(m));
      const onAbort = () => post({ type: 'abort', id, reason: String(control.signal?.reason) });
      control.signal?.addEventListener('abort', onAbort, { once: true });
      return new Promise<Pick<RunHilResult, 'exitCode' | 'report'>>((resolve, reject) => {
        pending.set(id, { resolve, reject, control });
        post({ id, options });
      }).finally(() => control.signal?.removeEventListener('abort', onAbort));
    },
    async close() {
      if (worker instanceof Worker) worker.postMessage({ type: 'close' });
      else worker.send({ type: 'close' });
      await once(worker, 'exit');
    },
  };
}
