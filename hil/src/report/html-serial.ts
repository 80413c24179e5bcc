import { escapeXml as esc } from './junit';
import type { SerialLogEntry } from './model';
import { type CrashBlock, crashFindings } from './panic';

/** Serial lines shown in report.html: a longer log shows its crash blocks (with context) and its end; serial.log has all. */
export const HTML_SERIAL_LINES = 1500;
/** Lines shown before and after each crash block when the log is cut. */
export const HTML_CRASH_CONTEXT_LINES = 10;

const stamp = (at: number, base: number) => `+${((at - base) / 1000).toFixed(3)}s`;

/** serial.log line numbers are 1-based entry indexes (write.ts writes one entry per line). */
const lineRef = (b: CrashBlock) =>
  b.firstLine === b.lastLine
    ? `serial.log:${b.firstLine + 1}`
    : `serial.log:${b.firstLine + 1}-${b.lastLine + 1}`;

/** Which log lines to show: all of a short log; of a long one the crash blocks with context and the tail. */
export function visibleLines(
  total: number,
  blocks: readonly CrashBlock[],
  limit = HTML_SERIAL_LINES,
): boolean[] {
  const show = new Array<boolean>(total).fill(total <= limit);
  if (total <= limit) return show;
  let budget = limit;
  const mark = (i: number) => {
    if (i < 0 || i >= total || show[i] || budget <= 0) return;
    show[i] = true;
    budget--;
  };
  for (const b of crashFindings(blocks))
    for (let i = b.firstLine - HTML_CRASH_CONTEXT_LINES; i <= b.lastLine + HTML_CRASH_CONTEXT_LINES; i++)
      mark(i);
  for (let i = total - 1; i >= 0 && budget > 0; i--) mark(i);
  return show;
}

function lineClasses(blocks: readonly CrashBlock[]): Map<number, string> {
  const cls = new Map<number, string>();
  for (const b of blocks) {
    if (b.severity === 'info') {
      cls.set(b.firstLine, 'rst');
      continue;
    }
    for (let i = b.firstLine; i <= b.lastLine; i++) cls.set(i, 'crash');
    cls.set(b.firstLine, 'crash head');
    for (const bt of b.backtraces) cls.set(bt.line, 'crash bt');
  }
  return cls;
}

/** The whole serial log (bounded), numbered like serial.log, crash blocks and backtraces highlighted. */
export function serialLogSection(
  entries: readonly SerialLogEntry[],
  blocks: readonly CrashBlock[],
  base: number,
  open: boolean,
): string {
  if (entries.length === 0) return '<h2>Serial log</h2><p>no serial output was recorded</p>';
  const show = visibleLines(entries.length, blocks);
  const cls = lineClasses(blocks);
  const rows: string[] = [];
  let gap = 0;
  entries.forEach((e, i) => {
    if (!show[i]) {
      gap++;
      return;
    }
    if (gap > 0) rows.push(`<span class="gap">… ${gap} lines (see serial.log) …</span>`);
    gap = 0;
    const c = cls.get(i);
    rows.push(
      `<span id="L${i + 1}"${c ? ` class="${c}"` : ''}>${String(i + 1).padStart(5)} ${stamp(e.at, base)} ${esc(e.text)}</span>`,
    );
  });
  if (gap > 0) rows.push(`<span class="gap">… ${gap} lines (see serial.log) …</span>`);
  return `<details${open ? ' open' : ''}><summary><b>Serial log</b> (${entries.length} lines)</summary><pre class="serial">${rows.join('\n')}</pre></details>`;
}

/** One entry per crash found, linking into the serial log section: the first thing a bench-error reader needs. */
export function crashSection(blocks: readonly CrashBlock[], entries: readonly SerialLogEntry[]): string {
  const found = crashFindings(blocks);
  if (found.length === 0) return '';
  const items = found.map((b) => {
    const text = entries
      .slice(b.firstLine, b.lastLine + 1)
      .map((e, k) => {
        const bt = b.backtraces.some((x) => x.line === b.firstLine + k);
        return bt ? `<mark>${esc(e.text)}</mark>` : esc(e.text);
      })
      .join('\n');
    const bt = b.backtraces[0];
    const frames = bt
      ? `<p>backtrace: ${bt.frames.map((f) => `<code>${esc(f.pc)}</code>`).join(' ')}${bt.corrupted ? ' <b>(stack corrupted)</b>' : ''}</p>`
      : '';
    return `<div class="crash-block"><p><b>${esc(b.kind)}</b>${b.reason ? ` (${esc(b.reason)})` : ''} — <a href="#L${b.firstLine + 1}">${lineRef(b)}</a></p>${text ? `<pre>${text}</pre>` : `<pre>${esc(b.title)}</pre>`}${frames}</div>`;
  });
  return `<h2 class="failed">Crash output in the serial log (${found.length})</h2>${items.join('')}`;
}

export const SERIAL_STYLE = `.serial span{display:block;white-space:pre}.serial .crash{background:#fde8e8}.serial .head{font-weight:bold}
.serial .bt,mark{background:#f9c74f}.serial .rst{color:#36c}.serial .gap{color:#888;font-style:italic}.crash-block{border-left:4px solid #d33;padding-left:8px;margin:8px 0}`;
