/** Trend charts over nights, as inline SVG in the look of report.html's charts (hil/src/report/svg.ts). */
import { escapeXml as esc } from '../report/junit';

export interface Series {
  name: string;
  color: string;
  values: readonly (number | null)[];
  dashed?: boolean;
}

const W = 520;
const H = 210;
const PAD_L = 48;
const PAD_R = 12;
const PAD_T = 44;
const PAD_B = 30;

/** A round upper bound for the y axis (1, 2, 5 x 10^k). */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Polyline segments of one series, broken where a night has no value. */
function segments(values: readonly (number | null)[], x: (i: number) => number, y: (v: number) => number) {
  const out: string[] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (cur.length) out.push(cur.join(' '));
      cur = [];
    } else cur.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (cur.length) out.push(cur.join(' '));
  return out;
}

/** Lines over nights with a 0-based y axis, first/last night on the x axis and a legend with the latest values. */
export function trendChart(
  title: string,
  unit: string,
  nights: readonly string[],
  series: readonly Series[],
): string {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (all.length === 0) return '';
  const top = niceMax(Math.max(...all));
  const n = nights.length;
  const x = (i: number) => PAD_L + (n <= 1 ? (W - PAD_L - PAD_R) / 2 : (i / (n - 1)) * (W - PAD_L - PAD_R));
  const y = (v: number) => H - PAD_B - (v / top) * (H - PAD_T - PAD_B);
  const grid = [0, 0.5, 1]
    .map((f) => {
      const yy = y(top * f).toFixed(1);
      return `<line x1="${PAD_L}" y1="${yy}" x2="${W - PAD_R}" y2="${yy}" stroke="#eee"/><text x="${PAD_L - 4}" y="${yy}" dy="3" font-size="10" text-anchor="end">${fmt(top * f)}</text>`;
    })
    .join('');
  const lines = series
    .map((s) => {
      const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
      const dots =
        n <= 60
          ? s.values
              .map((v, i) =>
                v === null
                  ? ''
                  : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${s.color}"><title>${nights[i]}: ${esc(s.name)} ${fmt(v)} ${esc(unit)}</title></circle>`,
              )
              .join('')
          : '';
      return `${segments(s.values, x, y)
        .map((p) => `<polyline points="${p}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`)
        .join('')}${dots}`;
    })
    .join('');
  let lx = PAD_L;
  const legend = series
    .map((s) => {
      const latest = [...s.values].reverse().find((v) => v !== null);
      const label = `${s.name}${latest !== undefined && latest !== null ? ` ${fmt(latest)}` : ''}`;
      const item = `<rect x="${lx}" y="${PAD_T - 18}" width="10" height="3" fill="${s.color}"/><text x="${lx + 14}" y="${PAD_T - 14}" font-size="11">${esc(label)}</text>`;
      lx += 22 + label.length * 6.2;
      return item;
    })
    .join('');
  const xl = `<text x="${PAD_L}" y="${H - 10}" font-size="10">${nights[0] ?? ''}</text><text x="${W - PAD_R}" y="${H - 10}" font-size="10" text-anchor="end">${nights[n - 1] ?? ''}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="trend" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}"><rect width="${W}" height="${H}" fill="#fff"/><text x="${PAD_L}" y="14" font-size="12" font-weight="600">${esc(title)} (${esc(unit)})</text>${legend}${grid}${lines}<line x1="${PAD_L}" y1="${H - PAD_B}" x2="${W - PAD_R}" y2="${H - PAD_B}" stroke="#999"/>${xl}</svg>`;
}
