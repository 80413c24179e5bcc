/**
 * The e2e tests' browser: a persistent Chromium context with its own profile and downloads folders, both removed
 * when the context closes (the tests close it in afterAll, on every path).
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPersistentChromium } from '@esphil/chromium';
import type { BrowserContext } from 'playwright-core';

export async function launchChromium(): Promise<{ context: BrowserContext; downloads: string }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'fwcfg-chromium-'));
  const downloads = mkdtempSync(join(tmpdir(), 'fwcfg-downloads-'));
  const context = await launchPersistentChromium(userDataDir, {
    acceptDownloads: true,
    downloadsPath: downloads,
    viewport: { width: 1400, height: 1000 },
  });
  // The 'close' event fires while Chromium still writes its profile; the folders go once close() has waited for
  // the browser process to exit.
  const closeContext = context.close.bind(context);
  context.close = async (options) => {
    await closeContext(options);
    for (const dir of [userDataDir, downloads])
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  return { context, downloads };
}
