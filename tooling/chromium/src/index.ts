// One launcher for every e2e task and the bench's page timing: same browser, same flags, same loud failure.
import { existsSync } from 'node:fs';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type LaunchOptions,
} from 'playwright-core';

/** Debian's chromium unless ESPHIL_CHROMIUM names another binary. Nothing is ever downloaded. */
export const CHROMIUM_PATH = process.env.ESPHIL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags for headless runs inside CI containers: root has no user namespace sandbox, there is no GPU, and nothing
 * should phone home (the history page test also refuses every network request).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Throws a message that says what to install when Chromium is missing (call it before any slow setup). */
export function requireChromium(): void {
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. esphil drives Debian's chromium: apt-get install -y chromium ` +
        '(or set ESPHIL_CHROMIUM to its path). It never downloads a browser.',
    );
  }
}

export function launchChromium(options: Omit<LaunchOptions, 'executablePath'> = {}): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    headless: true,
    ...options,
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
}

/** A persistent context (own profile folder: downloads, storage) for tests that need one. */
export function launchPersistentChromium(
  userDataDir: string,
  options: Omit<BrowserContextOptions & LaunchOptions, 'executablePath'> = {},
): Promise<BrowserContext> {
  requireChromium();
  return chromium.launchPersistentContext(userDataDir, {
    headless: true,
    ...options,
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
}
