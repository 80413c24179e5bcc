/**
 * The e2e tests' browser: a persistent Chromium context with its own profile and downloads folders. The caller owns
 * it and calls close() (afterAll, on every path): it closes the browser, then removes both folders. A launch that
 * fails removes them before it throws.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPersistentChromium } from '@esphil/chromium';
import type { BrowserContext } from 'playwright-core';

export interface E2eBrowser {
  readonly context: BrowserContext;
  /** Chromium's profile folder (removed by close()). */
  readonly profile: string;
  /** Where the browser saves downloads (removed by close()). */
  readonly downloads: string;
  /** Closes the browser, then removes the profile and downloads folders, even when closing failed. Idempotent. */
  close(): Promise<void>;
}

/** How the browser is started: the stock launcher (tests of this module pass one that fails). */
export type PersistentLauncher = typeof launchPersistentChromium;

const removeAll = async (dirs: readonly string[]) => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
};

export async function launchChromium(
  launch: PersistentLauncher = launchPersistentChromium,
): Promise<E2eBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'fwcfg-chromium-'));
  const downloads = mkdtempSync(join(tmpdir(), 'fwcfg-downloads-'));
  const dirs = [userDataDir, downloads];
  let context: BrowserContext;
  try {
    context = await launch(userDataDir, {
      acceptDownloads: true,
      downloadsPath: downloads,
      viewport: { width: 1400, height: 1000 },
    });
  } catch (e) {
    await removeAll(dirs);
    throw e;
  }
  let closing: Promise<void> | null = null;
  return {
    context,
    profile: userDataDir,
    downloads,
    close() {
      // close() waits for the browser process to exit: Chromium writes its profile until then ('close' fires earlier).
      closing ??= context.close().finally(() => removeAll(dirs));
      return closing;
    },
  };
}
