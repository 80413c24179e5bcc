// Loads a TypeScript module of this repository from source in a plain Node process or worker, through a Vite module
// runner with the workspace's aliases: the child processes and worker of the runner's own tests share it
// (isolated-worker.mjs, cli-launcher.mjs, lock-race-child.mjs). `data` = { root, aliases, entry }.
import { createViteServer } from 'vitest/node';

/** Returns the imported module and the Vite server behind it (close it when done, if the process lives on). */
export async function importFromSource(data) {
  const server = await createViteServer({
    configFile: false,
    root: data.root,
    resolve: { alias: data.aliases },
    server: { middlewareMode: true, hmr: false, ws: false, watch: null },
    appType: 'custom',
    logLevel: 'silent',
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  const module = await server.environments.ssr.runner.import(data.entry);
  return { module, server };
}
