/** The printed table, bench-results/results.json and bench-results/BENCHMARKS.md. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MachineInfo } from './machine';
import type { ResultRow } from './result';

export interface BenchReport {
  machine: MachineInfo;
  durationS: number;
  rows: ResultRow[];
  /** Scenarios left out of this run and why. */
  skipped: { scenario: string; reason: string }[];
  notes: string[];
}

export function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  const a = Math.abs(v);
  if (a >= 100_000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function metCell(r: ResultRow): string {
  if (r.met === null) return '';
  return r.met ? 'met' : 'MISSED';
}

/** A GitHub-flavoured markdown table: readable as text in a terminal too. */
export function markdownTable(rows: readonly ResultRow[]): string {
  const head = ['scenario', 'metric', 'value', 'unit', 'baseline (same run)', 'ratio', 'target', ''];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const base = r.baseline ? `${r.baseline.name}: ${fmt(r.baseline.value)}` : '';
    const cells = [
      r.scenario,
      r.metric,
      fmt(r.value),
      r.unit,
      base,
      r.ratio === null ? '' : `${fmt(r.ratio)}x`,
      r.target ?? '',
      metCell(r),
    ];
    lines.push(`| ${cells.map((c) => c.replaceAll('|', '/')).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const targets = report.rows.filter((r) => r.met !== null);
  const met = targets.filter((r) => r.met).length;
  return [
    '# esphil benchmark results',
    '',
    `Run ${m.date}, ${report.durationS.toFixed(0)} s. Machine: ${m.nproc} x ${m.cpuModel}, ${m.memGiB} GiB, ` +
      `${m.platform}, Node ${m.node}, load average ${m.loadAvg1} at start.`,
    '',
    `Targets met: ${met} of ${targets.length}. Method and baselines: apps/bench/BENCHMARKS.md.`,
    '',
    markdownTable(report.rows),
    '',
    ...(report.skipped.length
      ? ['## Left out of this run', '', ...report.skipped.map((s) => `- ${s.scenario}: ${s.reason}`), '']
      : []),
    ...(report.notes.length ? ['## Notes', '', ...report.notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n');
}

export async function writeReport(dir: string, report: BenchReport): Promise<{ json: string; md: string }> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'results.json');
  const md = join(dir, 'BENCHMARKS.md');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(md, renderMarkdown(report));
  return { json, md };
}
