/** `hil history <report.json | folder | glob>... --out DIR [--nights N] [--title T]`. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildHistory, DEFAULT_NIGHTS, MAX_NIGHTS } from './build';
import { HistoryError, type HistoryWarning } from './errors';
import { expandInputs } from './inputs';
import { loadPreviousRuns, loadReports } from './load';
import type { HistoryFile } from './model';
import { renderHistoryPage } from './page';

export const HISTORY_USAGE = `usage: hil history <report.json | folder | glob>... --out DIR [--nights N] [--title TEXT]

Adds the runs to DIR/history.json (kept from earlier builds), keeps the last N nights (default ${DEFAULT_NIGHTS}),
and writes DIR/index.html: per bench and shard a test x night grid, what is red since when, flake rates, trends.`;

export interface HistoryArgs {
  inputs: string[];
  out: string;
  nights: number;
  title?: string;
}

export function parseHistoryArgs(argv: readonly string[]): HistoryArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new HistoryError('bad_args', (e as Error).message, HISTORY_USAGE);
  }
  const { values, positionals } = parsed;
  if (!values.out) throw new HistoryError('bad_args', '--out DIR is required', HISTORY_USAGE);
  const nights = values.nights === undefined ? DEFAULT_NIGHTS : Number(values.nights);
  if (!Number.isInteger(nights) || nights < 1 || nights > MAX_NIGHTS) {
    throw new HistoryError(
      'bad_args',
      `--nights ${values.nights} is not a whole number 1..${MAX_NIGHTS}`,
      'e.g. --nights 30',
    );
  }
  return { inputs: positionals, out: values.out, nights, ...(values.title ? { title: values.title } : {}) };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { out: { type: 'string' }, nights: { type: 'string' }, title: { type: 'string' } },
  });
}

export interface HistoryResult {
  history: HistoryFile;
  warnings: HistoryWarning[];
  files: { html: string; json: string };
  /** Runs read from the inputs this time (after skipping bad files). */
  added: number;
}

/** Written next to the target then renamed, so a reader (or a cancelled job) never sees half a file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function writeHistory(args: HistoryArgs, now = new Date()): Promise<HistoryResult> {
  const out = resolve(args.out);
  await mkdir(out, { recursive: true });
  const files = { html: join(out, 'index.html'), json: join(out, 'history.json') };
  const previous = await loadPreviousRuns(files.json, out);
  const fresh = await loadReports(await expandInputs(args.inputs), out);
  // Fresh reports last: a run read again (same id) replaces what the previous history kept of it.
  const history = buildHistory([...previous.runs, ...fresh.runs], { nights: args.nights, now });
  await writeAtomic(files.json, `${JSON.stringify(history)}\n`);
  await writeAtomic(files.html, renderHistoryPage(history, args.title));
  return { history, warnings: [...previous.warnings, ...fresh.warnings], files, added: fresh.runs.length };
}
