import { describe, expect, it } from 'vitest';
import { expectSaneRows } from '../sane';
import { runHistoryScenario } from './history';

describe('history scenario (smoke)', () => {
  it('times a small history build against parsing the same files', async () => {
    const r = await runHistoryScenario({ nights: 5, testsPerBench: 6, benches: 2, render: false });
    expect(r.buildMs).toBeGreaterThan(0);
    expect(r.parseMs).toBeGreaterThan(0);
    expect(r.pageBytes).toBeGreaterThan(1000);
    expectSaneRows(r.rows);
    expect(r.rows.map((x) => x.metric)).not.toContain('page load to second frame in Chromium (median of 5)');
  });
});
