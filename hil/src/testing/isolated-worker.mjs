// Runs src/run/run-hil.ts through a Vite module runner for the runner's own tests, so runHil (which starts its own
// in-process vitest) runs free of the outer vitest worker's globals. Works as a worker thread or, for tests that
// load the native serialport addon (not worker-thread safe), as a forked child process.
import { parentPort, workerData } from 'node:worker_threads';
import { createViteServer } from 'vitest/node';

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

const server = await createViteServer({
  configFile: false,
  root: data.root,
  resolve: { alias: data.aliases },
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  appType: 'custom',
  logLevel: 'silent',
  optimizeDeps: { noDiscovery: true, include: [] },
});
const mod = await server.environments.ssr.runner.import(data.entry);

channel.on(async (msg) => {
  if (msg.type === 'close') {
    await server.close();
    channel.close();
    return;
  }
  try {
    const { exitCode, report } = await mod.runHil(msg.options);
    channel.post({ id: msg.id, result: { exitCode, report } });
  } catch (e) {
    channel.post({ id: msg.id, error: String(e?.stack ?? e) });
  }
});
channel.post({ type: 'ready' });
