// Runs src/run/run-hil.ts through a Vite module runner for the runner's own tests, so runHil (which starts its own
// in-process vitest) runs free of the outer vitest worker's globals. Works as a worker thread or, for tests that
// load the native serialport addon (not worker-thread safe), as a forked child process.
import { parentPort, workerData } from 'node:worker_threads';
import { importFromSource } from './source-runner.mjs';

const data = workerData ?? JSON.parse(process.env.ESPHIL_ISOLATED ?? '{}');
const channel = parentPort
  ? {
      on: (cb) => parentPort.on('message', cb),
      post: (m) => parentPort.postMessage(m),
      close: () => parentPort.close(),
    }
  : {
      on: (cb) => process.on('message', cb),
      post: (m) => process.send(m),
      close: () => process.disconnect(),
    };

const { module: mod, server } = await importFromSource(data);

const aborts = new Map();
channel.on(async (msg) => {
  if (msg.type === 'close') {
    await server.close();
    channel.close();
    return;
  }
  if (msg.type === 'abort') {
    aborts.get(msg.id)?.abort(msg.reason);
    return;
  }
  const controller = new AbortController();
  aborts.set(msg.id, controller);
  // Stage lines go back to the test (it aborts at a chosen stage); tests and info stay here.
  const progress = {
    stage: (name, status) => channel.post({ id: msg.id, stage: { name, status } }),
    test() {},
    info() {},
    done() {},
  };
  try {
    const { exitCode, report } = await mod.runHil({ progress, ...msg.options, signal: controller.signal });
    channel.post({ id: msg.id, result: { exitCode, report } });
  } catch (e) {
    channel.post({ id: msg.id, error: String(e?.stack ?? e) });
  } finally {
    aborts.delete(msg.id);
  }
});
channel.post({ type: 'ready' });
