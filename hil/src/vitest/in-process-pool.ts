import { EventEmitter } from 'node:events';
import type { PoolRunnerInitializer, PoolWorker } from 'vitest/node';
import { init, runBaseTests, setupEnvironment } from 'vitest/worker';

/*
 * Why an in-process pool: the bench session holds live objects (the simulator's virtual serial binding, an open
 * johnny-five board, WebSocket clients) that cannot cross into a worker thread or child process. vitest 4's
 * documented extension point for this is a custom `pool` (PoolRunnerInitializer) driving the public
 * `vitest/worker` entry (init + runBaseTests + setupEnvironment) — here over an in-memory channel in the SAME
 * thread. Messages are structured-cloned like a real worker's postMessage, so neither side can mutate the
 * other's objects. Test files still run in vitest's module runner; they reach the session through a
 * globalThis registry (see ../session/registry).
 */

let workerSide: { toWorker: EventEmitter; toMain: EventEmitter } | null = null;

function channel() {
  if (workerSide) return workerSide;
  const toWorker = new EventEmitter();
  const toMain = new EventEmitter();
  toWorker.setMaxListeners(0);
  toMain.setMaxListeners(0);
  // vitest's worker runtime keeps module-level state (module runner, environment); it is set up once per process.
  init({
    post: (msg) => {
      const copy = structuredClone(msg);
      setImmediate(() => toMain.emit('message', copy));
    },
    on: (cb) => toWorker.on('message', cb),
    off: (cb) => toWorker.off('message', cb),
    teardown: () => {},
    runTests: (state, traces) => runBaseTests('run', state, traces),
    collectTests: (state, traces) => runBaseTests('collect', state, traces),
    setup: setupEnvironment,
  });
  workerSide = { toWorker, toMain };
  return workerSide;
}

export const inProcessPool: PoolRunnerInitializer = {
  name: 'esphil-in-process',
  createPoolWorker(): PoolWorker {
    const listeners = new Map<(arg: unknown) => void, (arg: unknown) => void>();
    return {
      name: 'esphil-in-process',
      on(event, callback) {
        const ch = channel();
        listeners.set(callback, callback);
        ch.toMain.on(event, callback);
      },
      off(event, callback) {
        channel().toMain.off(event, callback);
        listeners.delete(callback);
      },
      send(message) {
        const copy = structuredClone(message);
        setImmediate(() => channel().toWorker.emit('message', copy));
      },
      deserialize: (data) => data,
      canReuse: () => true,
      async start() {
        channel();
      },
      async stop() {
        for (const cb of listeners.keys()) channel().toMain.off('message', cb);
        listeners.clear();
      },
    };
  },
};

/**
 * vitest's worker runtime replaces process.exit (so tests cannot kill the runner) and sets process.exitCode on
 * failures. In-process that would leak into the CLI: snapshot before a run, restore after.
 */
export function guardProcessGlobals(): () => void {
  const exit = process.exit;
  const exitCode = process.exitCode;
  const consoleRef = globalThis.console;
  return () => {
    process.exit = exit;
    process.exitCode = exitCode;
    globalThis.console = consoleRef;
  };
}
