/** From runs to the history: dedupe, retention window, and per bench and shard the grid, test stats and trends. */
import {
  CELL_OF_STATE,
  type CellCode,
  type GroupTrends,
  type GroupView,
  HISTORY_FORMAT,
  HISTORY_VERSION,
  type HistoryFile,
  type RunEntry,
  type RunMetrics,
  type TestRow,
} from './model';
import { testVerdict } from './verdict';

export interface BuildOptions {
  /** Calendar nights kept, ending at the newest run's night. */
  nights: number;
  /** generatedAt (tests pass a fixed one). */
  now?: Date;
}

export const DEFAULT_NIGHTS = 30;
export const MAX_NIGHTS = 3660;

const DAY_MS = 86_400_000;

/** One entry per run id; when the same run was read twice, the later-listed copy wins. */
export function dedupeRuns(runs: readonly RunEntry[]): RunEntry[] {
  const byId = new Map<string, RunEntry>();
  for (const r of runs) byId.set(r.id, r);
  return [...byId.values()];
}

export function windowStart(lastNight: string, nights: number): string {
  return new Date(Date.parse(`${lastNight}T00:00:00Z`) - (nights - 1) * DAY_MS).toISOString().slice(0, 10);
}

export function buildHistory(allRuns: readonly RunEntry[], opts: BuildOptions): HistoryFile {
  const unique = dedupeRuns(allRuns);
  const last = unique.reduce<string | null>((m, r) => (m === null || r.night > m ? r.night : m), null);
  const from = last ? windowStart(last, opts.nights) : null;
  const runs = unique
    .filter((r) => from !== null && r.night >= from)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  const byGroup = new Map<string, RunEntry[]>();
  for (const r of runs) {
    const key = groupKey(r);
    const list = byGroup.get(key) ?? [];
    list.push(r);
    byGroup.set(key, list);
  }
  const groups = [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([key, list]) => buildGroup(key, list, last!));
  return {
    format: HISTORY_FORMAT,
    version: HISTORY_VERSION,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    window: { nights: opts.nights, from, to: last },
    runs,
    groups,
  };
}

export function groupKey(r: Pick<RunEntry, 'bench' | 'shard'>): string {
  return r.shard ? `${r.bench} shard ${r.shard}` : r.bench;
}

/** Every calendar night from `first` to `last`, so a night the bench did not run shows as a gap. */
export function nightsBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** `runs` sorted by start time: per night the latest run is the one shown. */
function buildGroup(key: string, runs: readonly RunEntry[], lastNight: string): GroupView {
  const perNight = new Map<string, RunEntry>();
  for (const r of runs) perNight.set(r.night, r);
  const first = runs[0]!;
  const nights = nightsBetween(first.night, lastNight);
  const shown = nights.map((n) => perNight.get(n) ?? null);
  const testIds = [...new Set(runs.flatMap((r) => r.tests.map((t) => t.id)))].sort((a, b) =>
    a.localeCompare(b, 'en', { numeric: true }),
  );
  const lookups = shown.map((r) => new Map(r?.tests.map((t) => [t.id, t])));
  const tests = testIds.map((id) => buildRow(id, shown, lookups));
  const trends = Object.fromEntries(
    METRIC_KEYS.map((k) => [k, shown.map((r) => r?.metrics[k] ?? null)]),
  ) as GroupTrends;
  return {
    key,
    bench: first.bench,
    shard: first.shard,
    nights,
    runIds: shown.map((r) => r?.id ?? null),
    tests,
    trends,
  };
}

const METRIC_KEYS: readonly (keyof RunMetrics)[] = [
  'durationMs',
  'latencyP50Ms',
  'latencyP99Ms',
  'pwmWorstError',
  'pwmTolerance',
  'bootMs',
  'readyMs',
];

function cellFor(run: RunEntry | null, test: { state: string } | undefined): CellCode {
  if (!run) return '-';
  if (test) return CELL_OF_STATE[test.state as keyof typeof CELL_OF_STATE] ?? '-';
  if (run.status === 'bench_error') return 'B';
  if (run.status === 'aborted') return 'A';
  return '-';
}

function buildRow(
  id: string,
  shown: readonly (RunEntry | null)[],
  lookups: readonly Map<string, { state: string; durationMs: number }>[],
): TestRow {
  const found = lookups.map((m) => m.get(id));
  const cells = shown.map((r, i) => cellFor(r, found[i])).join('');
  return {
    id,
    cells,
    ...testVerdict(cells, shown),
    durationMs: found.map((t) => (t && t.state !== 'skipped' ? t.durationMs : null)),
  };
}
