// The history page in real Chromium (Debian's chromium, or ESPHIL_CHROMIUM), opened from file:// with every
// network request refused: it must render, link cells to the nights' reports, and work offline.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium, requireChromium } from '@esphil/chromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeHistory } from './command';
import { fleetHistory, type SyntheticRun, writeSyntheticRun } from './synthetic';

const artifacts = fileURLToPath(new URL('../../e2e-artifacts', import.meta.url));

let dir: string;
let browser: Browser;
let page: Page;
const offsite: string[] = [];
const errors: Error[] = [];

/** Eight nights of two shards: pwm breaks at c5 after a bench-error night, wifi is flaky. */
function story(i: number, shard: number): SyntheticRun {
  const night = `2026-11-${String(20 + i).padStart(2, '0')}`;
  const base = { bench: 'devkit-v1', shard: { index: shard, count: 2 }, night, commit: `c${i}` };
  if (i === 4 && shard === 1) return { ...base, tests: [], benchError: 'port_missing' };
  const t = (suite: string, name: string, state: 'passed' | 'failed' | 'flaky', durationMs: number) => ({
    suite,
    name,
    state,
    durationMs,
  });
  return {
    ...base,
    tests:
      shard === 1
        ? [
            t('led', 'status on', 'passed', 40 + i),
            t('pwm', 'sweep 0..100 %', i >= 5 ? 'failed' : 'passed', 900 + 30 * i),
            t('button', 'press', 'passed', 120),
          ]
        : [
            t('wifi', 'reconnect', i % 3 === 1 ? 'flaky' : 'passed', 2000),
            t('latency', 'p99', 'passed', 700),
          ],
    latencyMs: Array.from({ length: 20 }, (_, k) => 4 + k * 0.3 + i),
    pwmError: 3 + 3 * i,
    bootMs: 110 + i,
    readyMs: 520 + 8 * i,
  };
}

beforeAll(async () => {
  requireChromium();
  mkdirSync(artifacts, { recursive: true });
  dir = await mkdtemp(join(tmpdir(), 'hil-history-e2e-'));
  for (let i = 0; i < 8; i++) {
    for (const shard of [1, 2]) await writeSyntheticRun(join(dir, 'runs'), `${i}-${shard}`, story(i, shard));
  }
  await writeHistory({ inputs: [join(dir, 'runs')], out: join(dir, 'site'), nights: 30 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => errors.push(e));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(join(dir, 'site', 'index.html')).href);
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Page coordinates of a grid cell's centre, from the layout the grid SVG declares. */
async function cellPoint(group: number, row: number, col: number) {
  return page.evaluate(
    ([g, r, c]) => {
      // Runs in the page: hil's tsconfig has no DOM types, so the element is typed by what is used here.
      const doc = (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document;
      const svg = doc.querySelector(`svg.grid[data-group="${g}"]`) as {
        scrollIntoView(): void;
        getBoundingClientRect(): { left: number; top: number };
        dataset: Record<string, string>;
      };
      svg.scrollIntoView();
      const box = svg.getBoundingClientRect();
      const d = svg.dataset;
      return {
        x: box.left + Number(d.x) + (c! + 0.5) * Number(d.cw),
        y: box.top + Number(d.y) + (r! + 0.5) * Number(d.rh),
      };
    },
    [group, row, col],
  );
}

describe('history page in Chromium', () => {
  it('renders the red table, one grid per shard and the trend charts, offline', async () => {
    expect(await page.locator('#red-count').textContent()).toBe('1 red');
    const red = page.locator('#red tr').nth(1);
    expect(await red.locator('td').allTextContents()).toEqual([
      'devkit-v1 shard 1/2',
      'pwm › sweep 0..100 %',
      '2026-11-25',
      '2026-11-23',
      'git log c3..c5',
    ]);
    expect(await page.locator('svg.grid').count()).toBe(2);
    // Latency, PWM, boot/ready and run duration per shard (shard 2 has its own sweep too).
    expect(await page.locator('section.group').first().locator('svg.trend').count()).toBe(4);
    expect(await page.locator('#flaky td.flaky').first().textContent()).toBe('37.5 %');
    const box = await page.locator('svg.grid').first().boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    await page.screenshot({ path: join(artifacts, 'history.png'), fullPage: true });
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('hovering a cell names it; clicking it opens that night report', async () => {
    // Shard 1, row "pwm" (tests sort: button, led, pwm), column 5 = 2026-11-25, the first red night.
    const p = await cellPoint(0, 2, 5);
    await page.mouse.move(p.x, p.y);
    expect(await page.locator('#tip').textContent()).toBe('pwm › sweep 0..100 % · 2026-11-25 · failed · c5');
    await page.mouse.click(p.x, p.y);
    await page.waitForURL(/report\.html$/);
    expect(await page.title()).toBe('devkit-v1 2026-11-25');
    await page.goBack();
    expect(errors).toEqual([]);
  });

  it('a year of a bench stays one compact grid (runs of equal cells are one element)', async () => {
    const big = await mkdtemp(join(tmpdir(), 'hil-history-e2e-big-'));
    try {
      const runs = [...fleetHistory({ nights: 365, testsPerBench: 60, benches: 1, lastNight: '2026-11-30' })];
      for (const { name, run } of runs) await writeSyntheticRun(join(big, 'runs'), name, run);
      await writeHistory({ inputs: [join(big, 'runs')], out: join(big, 'site'), nights: 365 });
      await page.goto(pathToFileURL(join(big, 'site', 'index.html')).href);
      const cells = await page.locator('svg.grid rect:not(a rect)').count();
      expect(cells).toBeGreaterThan(60);
      expect(cells).toBeLessThan(365 * 60 * 0.25);
      await page.screenshot({ path: join(artifacts, 'history-year.png') });
      expect(offsite).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await rm(big, { recursive: true, force: true });
    }
  });
});
