/**
 * Web UI build/dev. Workspace packages resolve to their TypeScript sources (as in tests), with the client's
 * browser entry (native WebSocket). `vite` (dev) also starts a simulated device and serves its URL at
 * /__esphil/sim, so the Live page works out of the box.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type ViteDevServer } from 'vite';
import { sourceAliases } from '../../vitest.shared.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const clientBrowser = fileURLToPath(new URL('../../packages/client/src/browser.ts', import.meta.url));
const simEntry = sourceAliases['@esphil/sim'];

/** Default esphil-sim port (see the sim CLI); ESPHIL_SIM_PORT overrides, 0 = any free port. */
const SIM_PORT = Number(process.env.ESPHIL_SIM_PORT ?? 8081);

interface DevSim {
  url: string;
  close(): Promise<void>;
}

function esphilSim(): Plugin {
  let sim: DevSim | null = null;
  return {
    name: 'esphil-sim',
    apply: 'serve',
    async configureServer(server: ViteDevServer) {
      if (!simEntry) throw new Error('no source alias for @esphil/sim');
      const mod = (await server.ssrLoadModule(simEntry)) as {
        startSimBench(o: {
          port: number;
          host: string;
          latency?: 'zero' | 'wifi' | 'wifi-powersave';
          sensorWave?: boolean;
        }): Promise<DevSim>;
      };
      const latency = (process.env.ESPHIL_SIM_LATENCY ?? 'wifi') as 'zero' | 'wifi' | 'wifi-powersave';
      try {
        // The sensor follows the sim's documented sine, so the Live chart moves without a probe host.
        sim = await mod.startSimBench({ port: SIM_PORT, host: '127.0.0.1', latency, sensorWave: true });
      } catch {
        // The port is taken (another esphil-sim?): take any free one.
        sim = await mod.startSimBench({ port: 0, host: '127.0.0.1', latency, sensorWave: true });
      }
      const url = sim.url;
      server.config.logger.info(`  ➜  esphil-sim: ${url} (latency ${latency})`);
      server.middlewares.use('/__esphil/sim', (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ url }));
      });
      server.httpServer?.once('close', () => {
        void sim?.close();
      });
    },
  };
}

/** Workspace sources, with the client's browser entry; the device-page build uses the same. */
export const webAliases = [
  { find: /^@esphil\/client$/, replacement: clientBrowser },
  ...Object.entries(sourceAliases)
    .filter(([name]) => name !== '@esphil/client')
    .map(([name, path]) => ({ find: new RegExp(`^${name}$`), replacement: path })),
];

export default defineConfig({
  root: here,
  resolve: { alias: webAliases },
  build: { outDir: 'dist/web', emptyOutDir: true, target: 'es2022' },
  plugins: [esphilSim()],
});
