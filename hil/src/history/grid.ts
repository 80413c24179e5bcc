/**
 * The test x night grid of one group as one SVG. Runs of equal cells in a row are one <rect>, column and row
 * separators are one <path> each: a year of 60 tests is a few thousand elements, not 20,000 cells. Cells link to
 * their night's report through the page script (data-col/data-row from the pointer position); the night axis
 * holds a real <a> per night, so the links also work without script.
 */
import { escapeXml as esc } from '../report/junit';
import { CELL_NAMES, type CellCode, type GroupView } from './model';

export const CELL_COLORS: Record<CellCode, string> = {
  P: '#2a7',
  F: '#d33',
  K: '#e90',
  S: '#bbb',
  A: '#666',
  B: '#a3c',
  '-': '#f3f3f3',
};

export const ROW_H = 14;
const AXIS_H = 30;
const FLAKE_W = 56;
const SPARK_W = 120;

export interface GridLayout {
  labelW: number;
  cellW: number;
  cellsX: number;
  width: number;
  height: number;
}

export function gridLayout(g: GroupView): GridLayout {
  const longest = g.tests.reduce((m, t) => Math.max(m, t.id.length), 8);
  const labelW = Math.min(320, 16 + longest * 6.4);
  const cellW = Math.max(3, Math.min(16, Math.floor(960 / Math.max(1, g.nights.length))));
  const cellsW = cellW * g.nights.length;
  return {
    labelW,
    cellW,
    cellsX: labelW,
    width: Math.ceil(labelW + cellsW + FLAKE_W + SPARK_W + 40),
    height: AXIS_H + Math.max(1, g.tests.length) * ROW_H + 4,
  };
}

/** Relative links only: a report path from an untrusted history.json must not become a javascript: URL. */
export function safeHref(href: string | null): string | null {
  if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) return null;
  return href;
}

function axis(g: GroupView, L: GridLayout, hrefs: readonly (string | null)[]): string {
  const every = Math.max(1, Math.ceil(64 / L.cellW));
  const labels: string[] = [];
  const links: string[] = [];
  g.nights.forEach((night, i) => {
    const x = L.cellsX + i * L.cellW;
    if (i % every === 0) {
      labels.push(
        `<text x="${x}" y="12" font-size="10">${night.slice(5)}</text><line x1="${x}" y1="15" x2="${x}" y2="${AXIS_H - 2}" stroke="#999"/>`,
      );
    }
    const href = hrefs[i];
    if (href) {
      links.push(
        `<a href="${esc(href)}"><rect x="${x}" y="18" width="${L.cellW}" height="${AXIS_H - 20}" fill="#9ab" opacity="0.35"><title>${night}: report</title></rect></a>`,
      );
    }
  });
  return labels.join('') + links.join('');
}

function rowCells(cells: string, y: number, L: GridLayout): string {
  let out = '';
  let start = 0;
  for (let i = 1; i <= cells.length; i++) {
    if (i < cells.length && cells[i] === cells[start]) continue;
    const c = cells[start] as CellCode;
    if (c !== '-') {
      out += `<rect class="${c}" x="${L.cellsX + start * L.cellW}" y="${y}" width="${(i - start) * L.cellW}" height="${ROW_H - 2}"/>`;
    }
    start = i;
  }
  return out;
}

function sparkline(values: readonly (number | null)[], x0: number, y: number): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return '';
  const max = Math.max(...known, 1);
  const n = values.length;
  const pts = values
    .map((v, i) =>
      v === null
        ? null
        : `${(x0 + (n <= 1 ? 0 : (i / (n - 1)) * SPARK_W)).toFixed(1)},${(y + ROW_H - 3 - (v / max) * (ROW_H - 4)).toFixed(1)}`,
    )
    .filter((p) => p !== null);
  const latest = known[known.length - 1]!;
  return `<polyline points="${pts.join(' ')}" fill="none" stroke="#36c" stroke-width="1"/><text x="${x0 + SPARK_W + 4}" y="${y + ROW_H - 4}" font-size="9">${latest.toFixed(0)}</text>`;
}

/** Column and row separators as one path each (only drawn where cells are wide enough to tell apart). */
function separators(g: GroupView, L: GridLayout): string {
  const top = AXIS_H;
  const bottom = AXIS_H + g.tests.length * ROW_H;
  let d = '';
  if (L.cellW >= 5) {
    for (let i = 1; i < g.nights.length; i++) d += `M${L.cellsX + i * L.cellW} ${top}V${bottom}`;
  }
  return d ? `<path d="${d}" stroke="#fff" stroke-width="1"/>` : '';
}

export function renderGrid(g: GroupView, index: number, hrefs: readonly (string | null)[]): string {
  const L = gridLayout(g);
  const flakeX = L.cellsX + g.nights.length * L.cellW + 8;
  const sparkX = flakeX + FLAKE_W;
  const rows = g.tests
    .map((t, r) => {
      const y = AXIS_H + r * ROW_H;
      const flake = t.flakeRate
        ? `<text x="${flakeX}" y="${y + ROW_H - 4}" font-size="10" fill="#c60">${(t.flakeRate * 100).toFixed(0)} %</text>`
        : '';
      const cls = t.status === 'red' ? ' class="red"' : '';
      return `<text x="${L.labelW - 6}" y="${y + ROW_H - 4}" font-size="11" text-anchor="end"${cls}>${esc(t.id)}</text>${rowCells(t.cells, y, L)}${flake}${sparkline(t.durationMs, sparkX, y)}`;
    })
    .join('');
  const heads = `<text x="${flakeX}" y="24" font-size="10">flaky</text><text x="${sparkX}" y="24" font-size="10">duration (ms)</text>`;
  const legend = (Object.keys(CELL_COLORS) as CellCode[])
    .map((c) => `<span class="key"><i style="background:${CELL_COLORS[c]}"></i>${CELL_NAMES[c]}</span>`)
    .join('');
  return `<div class="legend">${legend}</div><div class="gridwrap"><svg xmlns="http://www.w3.org/2000/svg" class="grid" data-group="${index}" data-x="${L.cellsX}" data-y="${AXIS_H}" data-cw="${L.cellW}" data-rh="${ROW_H}" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" role="img" aria-label="${esc(g.key)}: tests by night">${axis(g, L, hrefs)}${rows}${separators(g, L)}${heads}</svg></div>`;
}
