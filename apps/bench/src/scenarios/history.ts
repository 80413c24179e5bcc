/**
 * Scenario 6: `hil history` on a large history (default 365 nights x 60 tests x 4 benches, written as real
 * report.json files). Baseline in the same run: reading and JSON.parse of the same files, the floor any build pays.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromiumAvailable, launchChromium } from '@esphil/chromium';
import { type ResultRow, row } from '../result';

// Loaded by a non-literal specifier: a static import would put all of hil's sources (with their own ambient
// declarations) into this package's typecheck. The part used here:
interface HistoryApi {
  fleetHistory(o: HistoryOptions & { lastNight: string }): Iterable<{ name: string; run: unknown }>;
  writeSyntheticRun(dir: string, name: string, run: unknown): Promise<string>;
  writeHistory(a: { inputs: string[]; out: string; nights: number }): Promise<{ files: { html: string } }>;
}
const HIL: string = '@esphil/hil';

export interface HistoryOptions {
  nights: number;
  testsPerBench: number;
  benches: number;
  /**
   * Time the page in Chromium too (`ESPHIL_CHROMIUM`, default /usr/bin/chromium; the row is left out when it is
   * not installed). Off in the unit smoke test: a browser launch does not belong in `pnpm test`.
   */
  render: boolean;
}

export const HISTORY_DEFAULTS: HistoryOptions = { nights: 365, testsPerBench: 60, benches: 4, render: true };

export interface HistoryBenchResult {
  buildMs: number;
  parseMs: number;
  pageBytes: number;
  rows: ResultRow[];
}

async function parseAll(root: string): Promise<number> {
  let n = 0;
  for (const night of await readdir(root)) {
    for (const bench of await readdir(join(root, night))) {
      n += JSON.parse(await readFile(join(root, night, bench, 'report.json'), 'utf8')).tests.length;
    }
  }
  return n;
}

export async function runHistoryScenario(
  opts: HistoryOptions = HISTORY_DEFAULTS,
): Promise<HistoryBenchResult> {
  const { fleetHistory, writeHistory, writeSyntheticRun } = (await import(HIL)) as HistoryApi;
  const dir = await mkdtemp(join(tmpdir(), 'bench-history-'));
  try {
    const runs = join(dir, 'runs');
    for (const { name, run } of fleetHistory({ ...opts, lastNight: '2026-11-30' })) {
      await writeSyntheticRun(runs, name, run);
    }
    let t0 = performance.now();
    await parseAll(runs);
    const parseMs = performance.now() - t0;
    t0 = performance.now();
    const r = await writeHistory({ inputs: [runs], out: join(dir, 'site'), nights: opts.nights });
    const buildMs = performance.now() - t0;
    const pageBytes = (await readFile(r.files.html)).length;
    const render = opts.render ? await renderMs(r.files.html, join(dir, 'blank.html')) : null;
    const shape = `${opts.nights} nights x ${opts.testsPerBench} tests x ${opts.benches} benches`;
    return {
      buildMs,
      parseMs,
      pageBytes,
      rows: [
        row({
          scenario: '6 history',
          metric: `hil history build (${shape})`,
          value: buildMs,
          unit: 'ms',
          baseline: { name: 'read + JSON.parse of the same report.json files', value: parseMs },
          target: 'builds in seconds (< 10 s)',
          met: buildMs < 10_000,
          n: 1,
        }),
        ...(render
          ? [
              row({
                scenario: '6 history',
                metric: 'page load to second frame in Chromium (median of 5)',
                value: render.pageMs,
                unit: 'ms',
                baseline: { name: 'an empty page', value: render.blankMs },
                target: '< 1 s',
                met: render.pageMs < 1000,
                n: 5,
              }),
            ]
          : []),
        row({ scenario: '6 history', metric: 'page size', value: pageBytes / 1024, unit: 'KiB', n: 1 }),
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median time from navigation to the second animation frame (layout and paint done), page vs an empty page. */
async function renderMs(page: string, blank: string): Promise<{ pageMs: number; blankMs: number } | null> {
  if (!chromiumAvailable()) return null;
  await writeFile(blank, '<!doctype html><title>blank</title>');
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const time = async (file: string) => {
      const t0 = performance.now();
      await tab.goto(pathToFileURL(file).href);
      // Runs in the page (no DOM types here): two frames = layout and first paint done.
      await tab.evaluate(
        () =>
          new Promise((r) => {
            const raf = (
              globalThis as unknown as { requestAnimationFrame(f: () => void): void }
            ).requestAnimationFrame.bind(globalThis);
            raf(() => raf(() => r(null)));
          }),
      );
      return performance.now() - t0;
    };
    const p: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 5; i++) {
      b.push(await time(blank));
      p.push(await time(page));
    }
    const med = (v: number[]) => v.sort((x, y) => x - y)[2]!;
    return { pageMs: med(p), blankMs: med(b) };
  } finally {
    await browser.close();
  }
}
