/** Launching Debian's chromium for e2e tests: never a downloaded browser, and a loud failure when it is missing. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.ESPHIL_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The e2e tests drive Debian's chromium: apt-get install -y chromium ` +
        '(or set ESPHIL_CHROMIUM to its path). They never download a browser.',
    );
  }
}

export async function launchChromium(): Promise<{ context: BrowserContext; downloads: string }> {
  requireChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'fwcfg-chromium-'));
  const downloads = mkdtempSync(join(tmpdir(), 'fwcfg-downloads-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    downloadsPath: downloads,
    viewport: { width: 1400, height: 1000 },
  });
  return { context, downloads };
}
