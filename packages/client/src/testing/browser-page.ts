// e2e helper: serves the BUILT browser entry (dist/browser.js, @esphil/protocol via an import map) on loopback and
// opens it in real Chromium through playwright-core. Fails loudly when Chromium or the build is missing.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, requireChromium } from '@esphil/chromium';
import type { Browser, Page } from 'playwright-core';

const pkgDir = fileURLToPath(new URL('../..', import.meta.url));
const roots: Record<string, string> = {
  client: join(pkgDir, 'dist'),
  protocol: join(pkgDir, '../protocol/dist'),
};

const PAGE = `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{"imports":{"@esphil/protocol":"/protocol/index.js"}}</script>
<script type="module">import * as m from '/client/browser.js'; window.esphil = m; window.ready = true;</script>
</head><body>esphil e2e</body></html>`;

export interface BrowserPage {
  page: Page;
  /** The page's own origin (what the browser sends as Origin). */
  origin: string;
  close(): Promise<void>;
}

function requireFiles(): void {
  requireChromium();
  for (const [name, dir] of Object.entries(roots)) {
    if (!existsSync(join(dir, 'index.js'))) {
      throw new Error(
        `${name} is not built (${dir}): run \`pnpm e2e\` through turbo, or \`pnpm build\` first`,
      );
    }
  }
}

export async function openBrowserPage(): Promise<BrowserPage> {
  requireFiles();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const [, root, ...rest] = path.split('/');
    const dir = root ? roots[root] : undefined;
    const file = dir ? normalize(join(dir, ...rest)) : '';
    if (!dir || !file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    const b = browser;
    return {
      page,
      origin,
      close: async () => {
        await b.close();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  } catch (err) {
    await browser?.close();
    server.close();
    throw err;
  }
}
