import { escapeXml } from './junit';
import type { LatencyStats, SweepPoint } from './model';

const W = 520;
const H = 260;
const PAD = 40;

/** Expected (line) vs measured (dots, red outside tolerance) ADC counts across the duty sweep. */
export function sweepChart(points: readonly SweepPoint[]): string {
  if (points.length === 0) return '';
  const maxY = Math.max(1, ...points.map((p) => Math.max(p.expected + p.tolerance, p.measured)));
  const x = (duty: number) => PAD + duty * (W - 2 * PAD);
  const y = (v: number) => H - PAD - (v / maxY) * (H - 2 * PAD);
  const sorted = [...points].sort((a, b) => a.duty - b.duty);
  const band = `${sorted.map((p) => `${x(p.duty).toFixed(1)},${y(p.expected + p.tolerance).toFixed(1)}`).join(' ')} ${[
    ...sorted,
  ]
    .reverse()
    .map((p) => `${x(p.duty).toFixed(1)},${y(Math.max(0, p.expected - p.tolerance)).toFixed(1)}`)
    .join(' ')}`;
  const line = sorted.map((p) => `${x(p.duty).toFixed(1)},${y(p.expected).toFixed(1)}`).join(' ');
  const dots = sorted
    .map((p) => {
      const ok = Math.abs(p.measured - p.expected) <= p.tolerance;
      return `<circle cx="${x(p.duty).toFixed(1)}" cy="${y(p.measured).toFixed(1)}" r="4" fill="${ok ? '#2a7' : '#d33'}"><title>${Math.round(p.duty * 100)} %: measured ${p.measured}, expected ${p.expected} ±${p.tolerance}</title></circle>`;
    })
    .join('');
  const ticks = sorted
    .map(
      (p) =>
        `<text x="${x(p.duty).toFixed(1)}" y="${H - PAD + 16}" font-size="10" text-anchor="middle">${Math.round(p.duty * 100)}%</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="PWM sweep expected vs measured"><rect width="${W}" height="${H}" fill="#fff"/><polygon points="${band}" fill="#cde" opacity="0.6"/><polyline points="${line}" fill="none" stroke="#36c" stroke-width="2"/>${dots}${ticks}<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#999"/><line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="#999"/><text x="${PAD}" y="${PAD - 8}" font-size="11">ADC counts (max ${Math.round(maxY)}): line = model, band = tolerance, dots = probe</text></svg>`;
}

/** Histogram of actuation latency samples with p50/p95/p99 markers. */
export function latencyHistogram(stats: LatencyStats, bins = 20): string {
  const s = stats.samplesMs;
  if (s.length === 0) return '';
  const min = Math.min(...s);
  const max = Math.max(...s);
  const width = max > min ? (max - min) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of s) counts[Math.min(bins - 1, Math.floor((v - min) / width))]! += 1;
  const top = Math.max(...counts);
  const bw = (W - 2 * PAD) / bins;
  const bars = counts
    .map((c, i) => {
      const h = (c / top) * (H - 2 * PAD);
      return `<rect x="${(PAD + i * bw).toFixed(1)}" y="${(H - PAD - h).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#69c"><title>${(min + i * width).toFixed(1)}-${(min + (i + 1) * width).toFixed(1)} ms: ${c}</title></rect>`;
    })
    .join('');
  const mark = (v: number, label: string, color: string) => {
    const px = PAD + ((v - min) / (max - min || 1)) * (W - 2 * PAD);
    return `<line x1="${px.toFixed(1)}" y1="${PAD}" x2="${px.toFixed(1)}" y2="${H - PAD}" stroke="${color}" stroke-dasharray="4 2"/><text x="${px.toFixed(1)}" y="${PAD - 4}" font-size="10" fill="${color}" text-anchor="middle">${escapeXml(label)} ${v.toFixed(1)}</text>`;
  };
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="actuation latency histogram"><rect width="${W}" height="${H}" fill="#fff"/>${bars}${mark(stats.p50, 'p50', '#2a7')}${mark(stats.p95, 'p95', '#c80')}${mark(stats.p99, 'p99', '#d33')}<text x="${PAD}" y="${H - 8}" font-size="10">${min.toFixed(1)} ms</text><text x="${W - PAD}" y="${H - 8}" font-size="10" text-anchor="end">${max.toFixed(1)} ms (n=${s.length})</text></svg>`;
}
