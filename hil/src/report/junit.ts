import type { HilReport, TestRecord } from './model';
import { runMetaRows } from './run-meta';

export function escapeXml(s: string): string {
  // XML 1.0 cannot carry most control characters at all, even escaped: drop them.
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

function testcase(t: TestRecord, classPrefix: string): string {
  const attrs = `classname="${escapeXml(`${classPrefix}${t.suite}`)}" name="${escapeXml(t.name)}" time="${secs(t.durationMs)}"`;
  const props =
    t.measurements.length > 0 || t.retries > 0
      ? `<properties>${t.retries > 0 ? `<property name="retries" value="${t.retries}"/>` : ''}${t.state === 'flaky' ? '<property name="flaky" value="true"/>' : ''}${t.measurements
          .map(
            (m) =>
              `<property name="${escapeXml(`measured.${m.name}`)}" value="${escapeXml(`${String(m.measured)} (expected ${String(m.expected)}${m.tolerance !== undefined ? ` ±${m.tolerance}` : ''}${m.unit ? ` ${m.unit}` : ''})`)}"/>`,
          )
          .join('')}</properties>`
      : '';
  let body = props;
  if (t.state === 'failed') {
    const text = [t.error?.stack ?? t.error?.message ?? 'failed', t.hint ? `hint: ${t.hint}` : '']
      .filter(Boolean)
      .join('\n');
    body += `<failure message="${escapeXml(t.error?.message ?? 'failed')}" type="AssertionError">${escapeXml(text)}</failure>`;
  } else if (t.state === 'skipped') body += '<skipped/>';
  if (t.state === 'flaky')
    body += `<system-out>${escapeXml(`flaky: passed after ${t.retries} retries`)}</system-out>`;
  return `    <testcase ${attrs}>${body}</testcase>`;
}

/** JUnit XML with one <testsuite> per suite file; shards use a suite-name prefix so merged files never collide. */
export function renderJunit(report: HilReport): string {
  const prefix = `hil.${report.bench.name.replace(/[^A-Za-z0-9_-]/g, '_')}.`;
  const bySuite = new Map<string, TestRecord[]>();
  for (const t of report.tests) bySuite.set(t.suite, [...(bySuite.get(t.suite) ?? []), t]);
  const suites: string[] = [];
  // Run metadata on every suite: CI readers show suite properties, and a merged (sharded) file keeps each one's.
  const props = `    <properties>${runMetaRows(report.run)
    .map(([n, v]) => `<property name="${escapeXml(n)}" value="${escapeXml(v)}"/>`)
    .join('')}</properties>\n`;
  if (report.benchError) {
    suites.push(
      `  <testsuite name="${escapeXml(`${prefix}bench`)}" tests="1" failures="0" errors="1" skipped="0" time="${secs(report.durationMs)}">\n${props}    <testcase classname="${escapeXml(`${prefix}bench`)}" name="bench setup" time="0"><error message="${escapeXml(report.benchError.message)}" type="${escapeXml(report.benchError.code)}">${escapeXml(`${report.benchError.message}${report.benchError.hint ? `\nhint: ${report.benchError.hint}` : ''}`)}</error></testcase>\n  </testsuite>`,
    );
  }
  for (const [suite, tests] of bySuite) {
    const time = tests.reduce((a, t) => a + t.durationMs, 0);
    suites.push(
      `  <testsuite name="${escapeXml(prefix + suite)}" tests="${tests.length}" failures="${tests.filter((t) => t.state === 'failed').length}" errors="0" skipped="${tests.filter((t) => t.state === 'skipped').length}" time="${secs(time)}" timestamp="${escapeXml(report.startedAt)}">\n${props}${tests.map((t) => testcase(t, prefix)).join('\n')}\n  </testsuite>`,
    );
  }
  const s = report.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="esphil-hil ${escapeXml(report.bench.name)}${report.shard ? ` shard ${report.shard.index}/${report.shard.count}` : ''}" tests="${s.total + (report.benchError ? 1 : 0)}" failures="${s.failed}" errors="${report.benchError ? 1 : 0}" skipped="${s.skipped}" time="${secs(report.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** Merges JUnit files from shards into one document (concatenates their <testsuite> elements, sums the totals). */
export function mergeJunit(docs: readonly string[], name = 'esphil-hil'): string {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  let time = 0;
  const suites: string[] = [];
  for (const doc of docs) {
    for (const m of doc.matchAll(/<testsuite\s[\s\S]*?<\/testsuite>/g)) {
      const suite = m[0];
      const attr = (k: string) =>
        Number(new RegExp(`^<testsuite[^>]*\\s${k}="([\\d.]+)"`).exec(suite)?.[1] ?? 0);
      tests += attr('tests');
      failures += attr('failures');
      errors += attr('errors');
      skipped += attr('skipped');
      time += attr('time');
      suites.push(`  ${suite}`);
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXml(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time.toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}
