/** Reads the runs for a history build: report.json files and the previous history.json. Never throws on a bad file. */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { HistoryError, type HistoryWarning, warningOf } from './errors';
import { HISTORY_FORMAT, HISTORY_VERSION, type RunEntry } from './model';
import { DEFAULT_REPORT_LIMITS, type ReportLimits, readReport } from './read-report';

/** history.json may hold a year of four benches: larger than a report, still bounded. */
export const MAX_HISTORY_FILE_BYTES = 256 * 1024 * 1024;

/** Reads at most maxBytes (+1 to tell "too large"), so a huge or endless file is never held whole. */
export async function readBounded(path: string, maxBytes: number): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new HistoryError('report_unreadable', `cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  try {
    const size = (await handle.stat()).size;
    if (size > maxBytes) throw new HistoryError('report_too_large', `${size} bytes, more than ${maxBytes}`);
    const buf = Buffer.alloc(Math.min(size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw new HistoryError('report_too_large', `more than ${maxBytes} bytes`);
    }
    return buf.subarray(0, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The report.html beside a report.json, as a link from the history folder (null when it is not there). */
function reportHref(jsonPath: string, outDir: string): string | null {
  const html = join(dirname(jsonPath), 'report.html');
  if (!existsSync(html)) return null;
  return relative(outDir, html).split(sep).join('/');
}

export interface LoadedRuns {
  runs: RunEntry[];
  warnings: HistoryWarning[];
}

export async function loadReports(
  files: readonly string[],
  outDir: string,
  limits: ReportLimits = DEFAULT_REPORT_LIMITS,
): Promise<LoadedRuns> {
  const runs: RunEntry[] = [];
  const warnings: HistoryWarning[] = [];
  for (const file of files) {
    try {
      const entry = readReport(await readBounded(file, limits.maxBytes), limits);
      runs.push({ ...entry, report: reportHref(file, outDir) });
    } catch (e) {
      warnings.push(warningOf(file, e));
    }
  }
  return { runs, warnings };
}

/**
 * The runs kept by an earlier build in `<outDir>/history.json`. A missing file is an empty history; an unreadable
 * or foreign one is a warning (and the history starts over from the reports given).
 */
export async function loadPreviousRuns(path: string, outDir: string): Promise<LoadedRuns> {
  if (!existsSync(path)) return { runs: [], warnings: [] };
  try {
    const data: unknown = JSON.parse(await readBounded(path, MAX_HISTORY_FILE_BYTES));
    const d = data as { format?: unknown; version?: unknown; runs?: unknown };
    if (d?.format !== HISTORY_FORMAT || d.version !== HISTORY_VERSION || !Array.isArray(d.runs)) {
      throw new HistoryError('history_invalid', `not a ${HISTORY_FORMAT} version ${HISTORY_VERSION} file`);
    }
    const warnings: HistoryWarning[] = [];
    const runs = d.runs.filter((r, i): r is RunEntry => {
      if (isRunEntry(r)) return true;
      warnings.push({ source: `${path} runs[${i}]`, code: 'history_invalid', message: 'not a run entry' });
      return false;
    });
    // A run whose report folder was pruned keeps its cells, without a link.
    for (const r of runs) if (r.report && !existsSync(join(outDir, r.report))) r.report = null;
    return { runs, warnings };
  } catch (e) {
    const w = warningOf(path, e);
    return { runs: [], warnings: [{ ...w, code: e instanceof HistoryError ? w.code : 'history_invalid' }] };
  }
}

function isRunEntry(r: unknown): r is RunEntry {
  const x = r as RunEntry;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.id === 'string' &&
    typeof x.bench === 'string' &&
    /^\d{4}-\d\d-\d\d$/.test(String(x.night)) &&
    typeof x.startedAt === 'string' &&
    Array.isArray(x.tests) &&
    x.tests.every((t) => typeof t?.id === 'string' && typeof t.state === 'string') &&
    typeof x.metrics === 'object' &&
    x.metrics !== null &&
    (x.report === null || typeof x.report === 'string') &&
    (x.shard === null || typeof x.shard === 'string')
  );
}
