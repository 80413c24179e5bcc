import { crashSection, SERIAL_STYLE, serialLogSection } from './html-serial';
import { escapeXml as esc } from './junit';
import type {
  HilReport,
  SerialLogEntry,
  StageRecord,
  TestErrorRecord,
  TestRecord,
  WiringFinding,
} from './model';
import { crashFindings } from './panic';
import { runMetaRows } from './run-meta';
import { latencyHistogram, sweepChart } from './svg';

/** The reports' look; the nightly history page (hil/src/history) extends it. */
export const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}.passed{color:#2a7}.failed{color:#d33}.flaky{color:#c80}
.skipped{color:#888}pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:320px;font-size:12px}details{margin:4px 0}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff}.b0{background:#2a7}.b1{background:#d33}.b2{background:#a3c}
.aborted,.silent,.untested{color:#c80}.crossed{color:#d33}`;

/** The report's sibling files, linked from the page (write.ts passes the ones it wrote). */
export const REPORT_FILES = ['report.json', 'junit.xml', 'serial.log'] as const;

export interface RenderHtmlOptions {
  /** The whole serial log (the report itself keeps only per-test excerpts). */
  serialLog?: readonly SerialLogEntry[];
  /** Sibling files to link; default all of REPORT_FILES. */
  links?: readonly string[];
}

function time(at: number, base: number): string {
  return `+${((at - base) / 1000).toFixed(3)}s`;
}

function testDetails(t: TestRecord, base: number): string {
  const meas =
    t.measurements.length > 0
      ? `<table><tr><th>quantity</th><th>expected</th><th>measured</th><th>tolerance</th><th></th></tr>${t.measurements
          .map(
            (m) =>
              `<tr><td>${esc(m.name)}</td><td>${esc(String(m.expected))}${m.unit ? ` ${esc(m.unit)}` : ''}</td><td>${esc(String(m.measured))}</td><td>${m.tolerance ?? ''}</td><td class="${m.ok ? 'passed' : 'failed'}">${m.ok ? 'ok' : 'out'}</td></tr>`,
          )
          .join('')}</table>`
      : '';
  const err = t.error ? errorBlock(t.error) : '';
  const attempts = t.attemptErrors?.length
    ? `<h4>${t.state === 'flaky' ? 'failed attempts before the pass' : 'later attempts'}</h4>${t.attemptErrors.map(errorBlock).join('')}`
    : '';
  const hint = t.hint ? `<p><b>hint:</b> ${esc(t.hint)}</p>` : '';
  const skipped = t.skipReason ? `<p><b>skipped:</b> ${esc(t.skipReason)}</p>` : '';
  const serial = t.serialExcerpt?.length
    ? `<h4>serial log around the failure</h4><pre>${esc(t.serialExcerpt.map((l) => `${time(l.at, base)} ${l.text}`).join('\n'))}</pre>`
    : '';
  const ws = t.transcript?.length
    ? `<h4>WebSocket transcript around the failure</h4><pre>${esc(t.transcript.map((e) => `${time(e.at, base)} ${e.conn} ${e.dir === 'out' ? '->' : e.dir === 'in' ? '<-' : '**'} ${e.text}`).join('\n'))}</pre>`
    : '';
  const open = t.state === 'failed' ? ' open' : '';
  return `<details${open}><summary><span class="${t.state}">${t.state}</span> ${esc(t.suite)} › ${esc(t.name)} (${t.durationMs.toFixed(0)} ms${t.retries ? `, ${t.retries} retries` : ''})${t.skipReason ? ` — ${esc(t.skipReason)}` : ''}</summary>${skipped}${hint}${err}${attempts}${meas}${serial}${ws}</details>`;
}

function errorBlock(e: TestErrorRecord): string {
  const text = e.stack?.includes(e.message.split('\n')[0] ?? '')
    ? e.stack
    : `${e.message}${e.stack ? `\n${e.stack}` : ''}`;
  return `<pre>${e.type ? `[${esc(e.type)}] ` : ''}${esc(text ?? e.message)}</pre>`;
}

const STATUS_CLASS: Record<string, string> = {
  ok: 'passed',
  failed: 'failed',
  skipped: 'skipped',
  aborted: 'aborted',
};

function wiringSection(report: HilReport): string {
  const rows = (ws: readonly WiringFinding[]) =>
    ws
      .map(
        (w) =>
          `<tr><td>${esc(w.wire)}</td><td class="${w.status === 'ok' ? 'passed' : w.status}">${w.status}</td><td>${esc(w.detail)}${w.otherWire ? ` (other wire: ${esc(w.otherWire)})` : ''}</td></tr>`,
      )
      .join('');
  if (report.wiring.length > 0)
    return `<h2>Wiring check</h2><table><tr><th>wire</th><th>status</th><th>detail</th></tr>${rows(report.wiring)}</table>`;
  const failed = report.stages.find((s) => s.name === 'wiring' && s.status !== 'ok');
  // A wiring stage that failed without per-wire findings: say so rather than show an empty or invented table.
  return failed
    ? `<h2>Wiring check</h2><p class="failed">the wiring check stopped before it reported per-wire findings: ${esc(failed.detail ?? failed.status)}</p>`
    : '';
}

/** One self-contained page: no external CSS, JS or images. */
/** The flash stage's files (name, offset, bytes, time, rate) under its detail. */
function flashFiles(st: StageRecord): string {
  if (!st.files?.length) return '';
  const rows = st.files
    .map(
      (f) =>
        `<tr><td>${esc(f.name)}</td><td>0x${f.offset.toString(16)}</td><td>${f.bytes} B</td><td>${f.ms} ms</td><td>${(f.bytesPerSecond / 1024).toFixed(1)} KB/s</td></tr>`,
    )
    .join('');
  return `<table><tr><th>file</th><th>offset</th><th>size</th><th>time</th><th>rate</th></tr>${rows}</table>`;
}

export function renderHtml(report: HilReport, opts: RenderHtmlOptions = {}): string {
  const serialLog = opts.serialLog ?? [];
  const base = Date.parse(report.startedAt);
  const s = report.summary;
  const stages = `<table><tr><th>stage</th><th>status</th><th>time</th><th>detail</th></tr>${report.stages
    .map(
      (st) =>
        `<tr><td>${st.name}</td><td class="${STATUS_CLASS[st.status] ?? 'failed'}">${st.status}</td><td>${st.durationMs.toFixed(0)} ms</td><td>${esc(st.detail ?? '')}${flashFiles(st)}</td></tr>`,
    )
    .join('')}</table>`;
  const benchErr = report.benchError
    ? `<h2 class="failed">Bench error (${esc(report.benchError.code)})</h2><pre>${esc(report.benchError.message)}</pre>${report.benchError.hint ? `<p><b>what to do:</b> ${esc(report.benchError.hint)}</p>` : ''}`
    : '';
  const wiring = wiringSection(report);
  const crashes = crashSection(report.crashes, serialLog);
  const serial = serialLogSection(
    serialLog,
    report.crashes,
    base,
    report.benchError !== null || crashFindings(report.crashes).length > 0,
  );
  const sweep = report.pwmSweep.length ? `<h2>PWM sweep</h2>${sweepChart(report.pwmSweep)}` : '';
  const lat = report.latency
    ? `<h2>Actuation latency</h2><p>p50 ${report.latency.p50.toFixed(1)} ms · p95 ${report.latency.p95.toFixed(1)} ms · p99 ${report.latency.p99.toFixed(1)} ms</p>${latencyHistogram(report.latency)}`
    : '';
  const fw = report.fw
    ? ` · firmware ${esc(report.fw.version)} on ${esc(report.fw.board)} (${esc(report.fw.device)})`
    : '';
  const links = opts.links ?? REPORT_FILES;
  const files = links.length
    ? `<p>files: ${links.map((f) => `<a href="${esc(f)}">${esc(f)}</a>`).join(' · ')}</p>`
    : '';
  const run = `<details><summary>Run: ${esc(report.run.commit?.slice(0, 12) ?? 'no commit')}${report.run.dirty ? ' (dirty)' : ''} on ${esc(report.run.host)}</summary><table>${runMetaRows(
    report.run,
  )
    .map(([n, v]) => `<tr><td>${esc(n)}</td><td>${esc(v)}</td></tr>`)
    .join('')}</table></details>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>esphil HIL report: ${esc(report.bench.name)}</title><style>${STYLE}
${SERIAL_STYLE}</style></head>
<body><h1>esphil HIL ${report.command}: ${esc(report.bench.name)} <span class="badge b${report.exitCode}">exit ${report.exitCode}</span></h1>
<p>${esc(report.startedAt)} · ${(report.durationMs / 1000).toFixed(1)} s · ${s.total} tests: <span class="passed">${s.passed} passed</span>, <span class="failed">${s.failed} failed</span>, <span class="flaky">${s.flaky} flaky</span>, <span class="skipped">${s.skipped} skipped</span>${report.shard ? ` · shard ${report.shard.index}/${report.shard.count}` : ''}${fw}</p>
${files}${run}
${benchErr}${crashes}<h2>Stages</h2>${stages}${wiring}<h2>Tests</h2>${report.tests.length ? report.tests.map((t) => testDetails(t, base)).join('\n') : '<p>no test ran</p>'}
${sweep}${lat}${serial}</body></html>
`;
}
