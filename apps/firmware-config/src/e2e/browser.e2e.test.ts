// The e2e browser's owned close(): the browser is closed and its profile and downloads folders are gone, on every
// path (a good close, a close that fails, a launch that fails); the context itself is left as playwright made it.
import { existsSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { launchChromium, type PersistentLauncher } from './browser';

/** A launcher that records the folders it was given and answers with `context` (or throws). */
function fakeLauncher(result: () => BrowserContext): { launch: PersistentLauncher; dirs: string[] } {
  const dirs: string[] = [];
  const launch = (async (userDataDir: string, options?: { downloadsPath?: string }) => {
    dirs.push(userDataDir, options?.downloadsPath ?? '');
    return result();
  }) as PersistentLauncher;
  return { launch, dirs };
}

describe('the e2e browser', () => {
  it('close() closes Chromium and removes both folders; the context is not patched; a second close() is a no-op', async () => {
    const browser = await launchChromium();
    let closed = false;
    browser.context.on('close', () => {
      closed = true;
    });
    // The context's own close, not a wrapper around it.
    expect(Object.hasOwn(browser.context, 'close')).toBe(false);
    const dirs = [browser.profile, browser.downloads];
    expect(dirs.every((d) => existsSync(d))).toBe(true);
    await browser.close();
    expect(closed).toBe(true);
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
    await expect(browser.close()).resolves.toBeUndefined();
  });

  it('a context whose close fails still has its folders removed, and the failure is not hidden', async () => {
    const failing = {
      close: async () => Promise.reject(new Error('browser crashed')),
    } as unknown as BrowserContext;
    const { launch, dirs } = fakeLauncher(() => failing);
    const browser = await launchChromium(launch);
    expect(dirs.every((d) => existsSync(d))).toBe(true);
    await expect(browser.close()).rejects.toThrow('browser crashed');
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  });

  it('a launch that fails removes both folders before it throws', async () => {
    const { launch, dirs } = fakeLauncher(() => {
      throw new Error('no chromium');
    });
    await expect(launchChromium(launch)).rejects.toThrow('no chromium');
    expect(dirs).toHaveLength(2);
    expect(dirs.filter((d) => existsSync(d))).toEqual([]);
  });
});
