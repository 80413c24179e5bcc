import type { HilReport, TestErrorRecord, TestRecord } from './model';
import { crashFindings } from './panic';
import { runMetaRows } from './run-meta';

/**
 * Text as XML 1.0 character data or attribute value, whatever a device printed. XML 1.0 cannot carry most control
 * characters at all, even escaped, so they are dropped; a lone UTF-16 surrogate is not an XML Char either, so it
 * becomes U+FFFD. Escaping every `>` also splits any `]]>`, which is not allowed in character data.
 */
export function escapeXml(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** An attribute value: also keeps line breaks and tabs (a parser turns literal ones into spaces). */
function attr(s: string): string {
  return escapeXml(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

/** `type=` when an error has none recorded (older report.json files, thrown non-errors). */
const UNKNOWN_ERROR_TYPE = 'Error';

function errorText(e: TestErrorRecord | undefined, hint?: string): string {
  const body = e?.stack?.includes(e.message.split('\n')[0] ?? '')
    ? e.stack
    : [e?.message ?? 'failed', e?.stack].filter(Boolean).join('\n');
  return [body, hint ? `hint: ${hint}` : ''].filter(Boolean).join('\n');
}

/**
 * A retried test in the Maven Surefire form (surefire-test-report-3.0.xsd, apache/maven-surefire
 * maven-surefire-plugin/src/site/resources/xsd/; "Rerun Failing Tests" page), which pytest-rerunfailures also writes
 * and CI readers (Jenkins, GitLab, publish-unit-test-result-action) understand: a test that passed after failing keeps
 * each failed attempt as `<flakyFailure message type><stackTrace/></flakyFailure>` inside a passing testcase; a test
 * that failed every attempt has the first in `<failure>` and the others as `<rerunFailure>`. `stackTrace` is required
 * there, `system-out` optional: the attempts share the testcase's one `<system-out>` (vitest reports no per-attempt
 * times to cut the serial log by).
 */
function attemptElement(tag: 'flakyFailure' | 'rerunFailure', e: TestErrorRecord): string {
  return `<${tag} message="${attr(e.message)}" type="${attr(e.type ?? UNKNOWN_ERROR_TYPE)}"><stackTrace>${escapeXml(errorText(e))}</stackTrace></${tag}>`;
}

function systemOut(t: TestRecord, base: number): string {
  const out = t.serialOut;
  if (!out || (out.entries.length === 0 && out.omitted === 0)) return '';
  const lines = out.entries.map((l) => `${((l.at - base) / 1000).toFixed(3).padStart(9)} ${l.text}`);
  if (out.omitted > 0) lines.unshift(`… ${out.omitted} earlier serial lines left out (serial.log has them)`);
  return `<system-out>${escapeXml(lines.join('\n'))}</system-out>`;
}

function testcase(t: TestRecord, classPrefix: string, base: number): string {
  const attrs = `classname="${attr(`${classPrefix}${t.suite}`)}" name="${attr(t.name)}" time="${secs(t.durationMs)}"`;
  const props =
    t.measurements.length > 0 || t.retries > 0
      ? `<properties>${t.retries > 0 ? `<property name="retries" value="${t.retries}"/>` : ''}${t.state === 'flaky' ? '<property name="flaky" value="true"/>' : ''}${t.measurements
          .map(
            (m) =>
              `<property name="${attr(`measured.${m.name}`)}" value="${attr(`${String(m.measured)} (expected ${String(m.expected)}${m.tolerance !== undefined ? ` ±${m.tolerance}` : ''}${m.unit ? ` ${m.unit}` : ''})`)}"/>`,
          )
          .join('')}</properties>`
      : '';
  // Children in the order surefire-test-report-3.0.xsd gives them.
  let body = props;
  const attempts = t.attemptErrors ?? [];
  if (t.state === 'failed') {
    body += `<failure message="${attr(t.error?.message ?? 'failed')}" type="${attr(t.error?.type ?? UNKNOWN_ERROR_TYPE)}">${escapeXml(errorText(t.error, t.hint))}</failure>`;
    body += attempts.map((e) => attemptElement('rerunFailure', e)).join('');
  } else if (t.state === 'flaky') {
    body += attempts.map((e) => attemptElement('flakyFailure', e)).join('');
  } else if (t.state === 'skipped')
    body += t.skipReason ? `<skipped message="${attr(t.skipReason)}"/>` : '<skipped/>';
  body += systemOut(t, base);
  return `    <testcase ${attrs}>${body}</testcase>`;
}

function benchErrorText(report: HilReport): string {
  const e = report.benchError!;
  const crashes = crashFindings(report.crashes).map(
    (b) =>
      `serial.log:${b.firstLine + 1}-${b.lastLine + 1}: ${b.title}${b.backtraces[0] ? `\n  Backtrace: ${b.backtraces[0].frames.map((f) => `${f.pc}:${f.sp}`).join(' ')}` : ''}`,
  );
  const wires = report.wiring
    .filter((w) => w.status !== 'ok')
    .map((w) => `wire '${w.wire}': ${w.status}: ${w.detail}`);
  return [e.message, e.hint ? `hint: ${e.hint}` : '', ...crashes, ...wires].filter(Boolean).join('\n');
}

/** JUnit XML with one <testsuite> per suite file; shards use a suite-name prefix so merged files never collide. */
export function renderJunit(report: HilReport): string {
  const prefix = `hil.${report.bench.name.replace(/[^A-Za-z0-9_-]/g, '_')}.`;
  const base = Date.parse(report.startedAt);
  const bySuite = new Map<string, TestRecord[]>();
  for (const t of report.tests) bySuite.set(t.suite, [...(bySuite.get(t.suite) ?? []), t]);
  const suites: string[] = [];
  // Run metadata on every suite: CI readers show suite properties, and a merged (sharded) file keeps each one's.
  const props = `    <properties>${runMetaRows(report.run)
    .map(([n, v]) => `<property name="${attr(n)}" value="${attr(v)}"/>`)
    .join('')}</properties>\n`;
  if (report.benchError) {
    // HilError's code is its stable type, as for any error with a code (see errorType in vitest/reporter.ts).
    suites.push(
      `  <testsuite name="${attr(`${prefix}bench`)}" tests="1" failures="0" errors="1" skipped="0" time="${secs(report.durationMs)}">\n${props}    <testcase classname="${attr(`${prefix}bench`)}" name="bench setup" time="0"><error message="${attr(report.benchError.message)}" type="${attr(`HilError.${report.benchError.code}`)}">${escapeXml(benchErrorText(report))}</error></testcase>\n  </testsuite>`,
    );
  }
  for (const [suite, tests] of bySuite) {
    const time = tests.reduce((a, t) => a + t.durationMs, 0);
    suites.push(
      `  <testsuite name="${attr(prefix + suite)}" tests="${tests.length}" failures="${tests.filter((t) => t.state === 'failed').length}" errors="0" skipped="${tests.filter((t) => t.state === 'skipped').length}" time="${secs(time)}" timestamp="${attr(report.startedAt)}">\n${props}${tests.map((t) => testcase(t, prefix, base)).join('\n')}\n  </testsuite>`,
    );
  }
  const s = report.summary;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="esphil-hil ${attr(report.bench.name)}${report.shard ? ` shard ${report.shard.index}/${report.shard.count}` : ''}" tests="${s.total + (report.benchError ? 1 : 0)}" failures="${s.failed}" errors="${report.benchError ? 1 : 0}" skipped="${s.skipped}" time="${secs(report.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
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
