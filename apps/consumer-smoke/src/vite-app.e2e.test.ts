// The packed packages in a browser app: a Vite project (fixtures/vite-app) installs the tarballs, type-checks,
// builds, and runs in real Chromium against the packed `esphil-sim` bin, with a Node client watching the sim.
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, requireChromium } from '@esphil/chromium';
import { connect, type DeviceClient } from '@esphil/client';
import type { LedEvent } from '@esphil/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchProject, type ScratchProject } from './scratch-project';
import { type SimProcess, startSimProcess } from './sim-process';
import { type StaticServer, serveFolder } from './static-server';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = fileURLToPath(new URL('../fixtures/vite-app/', import.meta.url));
// What the app imports, what those depend on, and @esphil/sim for its bin.
const PACKAGES = ['packages/protocol', 'packages/device-model', 'packages/client', 'packages/sim'];
const installedVersion = (from: string, pkg: string): string =>
  JSON.parse(readFileSync(join(repo, from, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
// The vite the repo builds its own web UI with (apps/firmware-config), and the repo's TypeScript.
const VITE_VERSION = installedVersion('apps/firmware-config', 'vite');
const TS_VERSION = installedVersion('.', 'typescript');

// What ends up in the bundle if a bundler took @esphil/client's Node build: `ws` (or its browser stub, which
// only throws) and Node built-ins.
const NODE_ONLY = [
  /require\(\s*["']ws["']\s*\)/,
  /from\s*["']ws["']/,
  /["']node:[a-z_/]+["']/,
  /ws does not work in the browser/,
];

// Below the test timeout, so a page that never gets there fails with what it showed instead.
const PAGE_WAIT_MS = 10_000;

/** Runs every cleanup step even when one fails; rethrows the first failure. */
async function closeAll(steps: (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
}

describe('a Vite browser app on the packed packages, in Chromium', () => {
  let scratch: ScratchProject | undefined;
  let sim: SimProcess | undefined;
  let observer: DeviceClient | undefined;
  let site: StaticServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];
  const text = async (id: string) => (await page.locator(`#${id}`).textContent()) ?? '';
  /** Waits until #id's text passes `done`; a timeout says what the page showed and logged instead. */
  async function waitForText(id: string, done: (text: string) => boolean): Promise<string> {
    for (;;) {
      const shown = await text(id);
      if (done(shown)) return shown;
      // An expression string: it runs in the page, where this file's (Node) types have no `document`.
      const changed = `document.getElementById(${JSON.stringify(id)}).textContent !== ${JSON.stringify(shown)}`;
      await page.waitForFunction(changed, undefined, { timeout: PAGE_WAIT_MS }).catch(async () => {
        throw new Error(
          `#${id} stayed ${JSON.stringify(shown)}; #error: ${JSON.stringify(await text('error'))}; ` +
            `page errors: ${JSON.stringify(pageErrors)}`,
        );
      });
    }
  }

  beforeAll(async () => {
    requireChromium(); // before the slow install: a missing browser fails at once, saying what to install
    scratch = createScratchProject(
      PACKAGES.map((p) => join(repo, p)),
      { vite: VITE_VERSION, typescript: TS_VERSION },
    );
    cpSync(fixture, scratch.dir, { recursive: true });
    scratch.run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']);
    scratch.run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
    sim = await startSimProcess(scratch.dir);
    // A second client, in Node: what the sim itself reports, independent of the page.
    observer = await connect(sim.url, { reconnect: false, heartbeat: false });
    site = await serveFolder(join(scratch.dir, 'dist'));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => pageErrors.push(`uncaught: ${String(e)}`));
    await page.goto(`${site.origin}/?device=${encodeURIComponent(sim.url)}`);
  });
  afterAll(() =>
    closeAll([
      () => browser?.close(),
      () => site?.close(),
      () => observer?.close(),
      () => sim?.stop(),
      () => scratch?.remove(),
    ]),
  );

  it('bundles the browser build: no ws, no Node built-ins', () => {
    const assets = join(scratch!.dir, 'dist/assets');
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    const hits = scripts.flatMap((file) => {
      const code = readFileSync(join(assets, file), 'utf8');
      return NODE_ONLY.flatMap((pattern) => {
        const m = pattern.exec(code);
        return m ? [`${file}: …${code.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40)}…`] : [];
      });
    });
    expect(hits).toEqual([]);
  });

  it("connects and shows the sim's hello and caps", async () => {
    await waitForText('status', (t) => t !== 'connecting');
    expect({ status: await text('status'), error: await text('error') }).toEqual({
      status: 'connected',
      error: '',
    });
    const { proto, board, caps } = observer!.hello;
    expect(JSON.parse(await text('hello'))).toEqual({ proto, protoMatches: true, board, caps });
    expect(await text('led-name')).toBe(caps.leds[0]!.name);
  });

  it('the LED button turns the LED on: on the sim, and in the page', async () => {
    const led = observer!.hello.caps.leds[0]!.name;
    expect((await observer!.getState()).leds[led]).toBe(false);
    expect(await text('led-state')).toBe('off');

    const seen = new Promise<LedEvent>((resolve) => {
      const off = observer!.on('led', (e) => {
        off();
        resolve(e);
      });
    });
    await page.click('#led-on');
    // The page first: if the request failed, its #error says why.
    const shown = JSON.parse(await waitForText('led-event', (t) => t !== ''));
    expect(await waitForText('led-state', (t) => t !== 'off')).toBe('on');

    const event = await seen; // the sim broadcasts the event to every client (PROTOCOL.md §4.4)
    expect({ led: event.led, on: event.on }).toEqual({ led, on: true });
    expect(shown).toEqual({ led, on: true, by: event.by });
    expect((await observer!.getState()).leds[led]).toBe(true);
  });

  it('logs no console error and throws nothing uncaught', () => {
    expect(pageErrors).toEqual([]);
  });
});
