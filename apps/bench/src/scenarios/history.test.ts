import { describe, expect, it } from 'vitest';
import { expectSaneRows } from '../sane';
import { runHistoryScenario } from './history';

// 4 s alone; over 20 s measured under the full `pnpm test` load on 2 cores (most of it loading @esphil/hil and
// writing the synthetic reports), so the budget is stated here rather than left at vitest's 20 s default.
describe('history scenario (smoke)', { timeout: 60_000 }, () => {
  it('times a small history build against parsing the same files', async () => {
    const r = await runHistoryScenario({ nights: 5, testsPerBench: 6, benches: 2, render: false });
    expect(r.buildMs).toBeGreaterThan(0);
    expect(r.parseMs).toBeGreaterThan(0);
    expect(r.pageBytes).toBeGreaterThan(1000);
    expectSaneRows(r.rows);
    expect(r.rows.map((x) => x.metric)).not.toContain('page load to second frame in Chromium (median of 5)');
  });
});
