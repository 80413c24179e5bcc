// Runs the `hil` CLI (src/cli.ts) from TypeScript source for the runner's own tests, through a Vite module runner
// (the same resolution as ./isolated-worker.mjs): `node cli-launcher.mjs run --out ...` behaves as `hil run --out ...`.
// ESPHIL_CLI holds { root, aliases, entry } as JSON (see ./cli-process.ts).
import { createViteServer } from 'vitest/node';

const data = JSON.parse(process.env.ESPHIL_CLI ?? '{}');
const server = await createViteServer({
  configFile: false,
  root: data.root,
  resolve: { alias: data.aliases },
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  appType: 'custom',
  logLevel: 'silent',
  optimizeDeps: { noDiscovery: true, include: [] },
});
// cli.ts runs main(process.argv.slice(2)) and exits with its code.
await server.environments.ssr.runner.import(data.entry);
