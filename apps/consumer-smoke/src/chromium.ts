// Real headless Chromium through playwright-core, as the client's and firmware-config's e2e tasks launch it.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

// The same variable as the other e2e tasks, so one setting serves every one of them.
export const CHROMIUM_PATH = process.env.ESPHIL_CHROMIUM ?? '/usr/bin/chromium';

/** Throws a message that says what to install when Chromium is missing (checked before any slow setup). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set ESPHIL_CHROMIUM`,
    );
  }
}

export function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
