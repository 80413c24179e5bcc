// Worker thread for the runner's own tests: loads src/run/run-hil.ts through a Vite module runner, so runHil (which
// starts its own in-process vitest) runs in a thread free of the outer vitest worker's globals.
import { parentPort, workerData } from 'node:worker_threads';
import { createViteServer } from 'vitest/node';

const server = await createViteServer({
  configFile: false,
  root: workerData.root,
  resolve: { alias: workerData.aliases },
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  appType: 'custom',
  logLevel: 'silent',
  optimizeDeps: { noDiscovery: true, include: [] },
});
const mod = await server.environments.ssr.runner.import(workerData.entry);

parentPort.on('message', async (msg) => {
  if (msg.type === 'close') {
    await server.close();
    parentPort.close();
    return;
  }
  try {
    const { exitCode, report } = await mod.runHil(msg.options);
    parentPort.postMessage({ id: msg.id, result: { exitCode, report } });
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: String(e?.stack ?? e) });
  }
});
parentPort.postMessage({ type: 'ready' });
