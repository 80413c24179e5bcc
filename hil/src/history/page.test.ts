import { describe, expect, it } from 'vitest';
import { buildHistory } from './build';
import { safeHref } from './grid';
import { globToRegExp } from './inputs';
import type { RunEntry } from './model';
import { renderHistoryPage } from './page';
import { readReport } from './read-report';
import { syntheticReport } from './synthetic';

const entry = (night: string, state: 'passed' | 'failed', over: Partial<RunEntry> = {}): RunEntry => ({
  ...readReport(
    JSON.stringify(
      syntheticReport({
        bench: 'b<&>',
        night,
        commit: `c-${night}`,
        tests: [{ suite: 's', name: '<img src=x onerror=alert(1)>', state, durationMs: 5 }],
      }),
    ),
  ),
  report: `runs/${night}/report.html`,
  ...over,
});

describe('history page', () => {
  it('is self-contained: no external script, style, image or font', () => {
    const h = buildHistory([entry('2026-11-01', 'passed'), entry('2026-11-02', 'failed')], { nights: 30 });
    const html = renderHistoryPage(h);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain('<script type="application/json" id="history-data">');
    expect(html).toContain('<a href="runs/2026-11-02/report.html">2026-11-02</a>');
  });

  it('escapes names from reports in the markup and in the embedded data', () => {
    const h = buildHistory([entry('2026-11-01', 'failed')], { nights: 30 });
    const html = renderHistoryPage(h);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('b&lt;&amp;&gt;');
    const data = html.slice(html.indexOf('id="history-data">'), html.indexOf('</script>'));
    expect(data).not.toContain('<img');
    expect(data).toContain('\\u003cimg');
  });

  it('never turns a report path from history.json into a script or off-site link', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('JavaScript:alert(1)')).toBeNull();
    expect(safeHref('https://evil.example/x')).toBeNull();
    expect(safeHref('//evil.example/x')).toBeNull();
    expect(safeHref('../runs/2026-11-01/report.html')).toBe('../runs/2026-11-01/report.html');
    const h = buildHistory([entry('2026-11-01', 'failed', { report: 'javascript:alert(1)' })], {
      nights: 30,
    });
    expect(renderHistoryPage(h)).not.toContain('javascript:alert');
  });

  it('an empty history is a page saying so', () => {
    const html = renderHistoryPage(buildHistory([], { nights: 30 }));
    expect(html).toContain('no runs yet');
    expect(html).toContain('Nothing is red.');
  });
});

describe('report.json reader limits', () => {
  const good = JSON.stringify(syntheticReport({ bench: 'b', night: '2026-11-01', commit: null, tests: [] }));
  it('refuses a file over the size limit and one with too many tests', () => {
    expect(() => readReport(good, { maxBytes: 100, maxTests: 10 })).toThrow(
      expect.objectContaining({ code: 'report_too_large' }),
    );
    const many = syntheticReport({
      bench: 'b',
      night: '2026-11-01',
      commit: null,
      tests: Array.from({ length: 11 }, (_, i) => ({
        suite: 's',
        name: `t${i}`,
        state: 'passed',
        durationMs: 1,
      })),
    });
    expect(() => readReport(JSON.stringify(many), { maxBytes: 1e6, maxTests: 10 })).toThrow(
      /more than 10 tests/,
    );
  });

  it('names what is wrong', () => {
    expect(() => readReport('[1,2]')).toThrow(expect.objectContaining({ code: 'report_foreign' }));
    expect(() => readReport(JSON.stringify({ tool: 'esphil-hil', version: 2 }))).toThrow(
      /version 2 is not 1/,
    );
    expect(() => readReport(good.replace('"startedAt":"2026', '"startedAt":"x2026'))).toThrow(/startedAt/);
    expect(() => readReport(JSON.stringify({ tool: 'esphil-hil', version: 1, bench: {} }))).toThrow(
      /bench.name/,
    );
  });
});

describe('globs', () => {
  it('*, **, ? and [..] match like the shell', () => {
    expect(globToRegExp('*/report.json').test('a/report.json')).toBe(true);
    expect(globToRegExp('*/report.json').test('a/b/report.json')).toBe(false);
    expect(globToRegExp('**/report.json').test('report.json')).toBe(true);
    expect(globToRegExp('**/report.json').test('a/b/report.json')).toBe(true);
    expect(globToRegExp('night-?').test('night-1')).toBe(true);
    expect(globToRegExp('2026-11-2[0-4]').test('2026-11-25')).toBe(false);
    expect(globToRegExp('2026-11-2[!0-4]').test('2026-11-25')).toBe(true);
    expect(globToRegExp('a.json').test('aXjson')).toBe(false);
  });
});
