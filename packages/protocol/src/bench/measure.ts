// Interleaved throughput measurement: every round runs each candidate once (rotating the order), so load from
// other processes hits all candidates alike; the report uses medians over rounds, never one timing.
import { decodeDeviceMessage, decodeRequest } from '../codec';
import type { DecodeResult } from '../codec/types';
import { valibotDecodeDeviceMessage, valibotDecodeRequest } from './candidates/valibot';
import { zodDecodeDeviceMessage, zodDecodeRequest } from './candidates/zod';
import { WORKLOADS, type Workload } from './workloads';

type Decode = (s: string) => DecodeResult<unknown>;

export const BASELINE = 'JSON.parse';

/** Candidates per decoder family; the baseline parses without validating. */
export const CANDIDATES: Record<string, { request: Decode; device: Decode }> = {
  'hand-written': { request: decodeRequest, device: decodeDeviceMessage },
  valibot: { request: valibotDecodeRequest, device: valibotDecodeDeviceMessage },
  zod: { request: zodDecodeRequest, device: zodDecodeDeviceMessage },
};

export interface MeasureOptions {
  /** Rounds per workload (each round runs every candidate once). Default 200. */
  rounds?: number;
  /** Target wall time of one candidate's run within a round, ms. Default 10 (short runs: a disturbance spoils one sample, not the median). */
  runMs?: number;
  /** Warm-up time per candidate before measuring, ms. Default 200. */
  warmupMs?: number;
  workloads?: readonly Workload[];
  /** Default `cpu`: CPU time of this process, so a busy machine slows the clock, not the result. */
  clock?: Clock;
}

export interface CodecBenchRow {
  workload: string;
  candidate: string;
  messages: number;
  bytes: number;
  /** Median messages per second over the rounds. */
  msgsPerSec: number;
  /** Median over rounds of (candidate throughput / JSON.parse throughput in the same round). */
  ratioToBaseline: number;
  /** 25th and 75th percentile of that ratio. */
  ratioP25: number;
  ratioP75: number;
  /** Best round's rate / baseline's best round's rate: the least disturbed by other processes. */
  bestRatio: number;
}

let sink = 0;

function runner(texts: readonly string[], decode: Decode | null): (iterations: number) => void {
  if (decode === null) {
    return (n) => {
      for (let i = 0; i < n; i++) for (const t of texts) if (JSON.parse(t) !== null) sink++;
    };
  }
  return (n) => {
    for (let i = 0; i < n; i++) for (const t of texts) if (decode(t).ok) sink++;
  };
}

/** ms clocks: `cpu` = this process's CPU time (robust when other processes compete for the cores), `wall`. */
export type Clock = 'cpu' | 'wall';

function now(clock: Clock): number {
  if (clock === 'wall') return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let clock: Clock = 'cpu';

function timeIt(fn: (n: number) => void, n: number): number {
  const t0 = now(clock);
  fn(n);
  return now(clock) - t0;
}

/** Iterations that take about `ms`, found by doubling. */
function calibrate(fn: (n: number) => void, ms: number): number {
  let n = 1;
  for (;;) {
    const t = timeIt(fn, n);
    if (t >= ms / 4 || n > 1 << 24) return Math.max(1, Math.round((n * ms) / Math.max(t, 0.001)));
    n *= 2;
  }
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function measureCodec(opts: MeasureOptions = {}): CodecBenchRow[] {
  const rounds = opts.rounds ?? 200;
  const runMs = opts.runMs ?? 10;
  const warmupMs = opts.warmupMs ?? 200;
  clock = opts.clock ?? 'cpu';
  const rows: CodecBenchRow[] = [];
  for (const w of opts.workloads ?? WORKLOADS) {
    const names = [BASELINE, ...Object.keys(CANDIDATES)];
    const fns = names.map((n) => runner(w.texts, n === BASELINE ? null : CANDIDATES[n]![w.kind]));
    for (const fn of fns) {
      const end = now(clock) + warmupMs;
      while (now(clock) < end) fn(16);
    }
    const iters = fns.map((fn) => calibrate(fn, runMs));
    const rates: number[][] = names.map(() => []);
    const ratios: number[][] = names.map(() => []);
    for (let r = 0; r < rounds; r++) {
      const rate = new Array<number>(names.length);
      for (let k = 0; k < names.length; k++) {
        const i = (k + r) % names.length;
        const ms = timeIt(fns[i]!, iters[i]!);
        rate[i] = (iters[i]! * w.texts.length * 1000) / Math.max(ms, 0.001);
      }
      for (let i = 0; i < names.length; i++) {
        rates[i]!.push(rate[i]!);
        ratios[i]!.push(rate[i]! / rate[0]!);
      }
    }
    const bytes = w.texts.reduce((n, t) => n + t.length, 0);
    names.forEach((candidate, i) => {
      const rs = [...ratios[i]!].sort((a, b) => a - b);
      rows.push({
        workload: w.name,
        candidate,
        messages: w.texts.length,
        bytes,
        msgsPerSec: quantile(
          [...rates[i]!].sort((a, b) => a - b),
          0.5,
        ),
        ratioToBaseline: quantile(rs, 0.5),
        ratioP25: quantile(rs, 0.25),
        ratioP75: quantile(rs, 0.75),
        bestRatio: Math.max(...rates[i]!) / Math.max(...rates[0]!),
      });
    });
  }
  if (sink === -1) console.log('unreachable');
  return rows;
}

export function formatTable(rows: readonly CodecBenchRow[]): string {
  const lines = [
    '| workload | candidate | msgs/s (median) | vs JSON.parse: median of rounds (p25-p75) | best round vs best round |',
    '|---|---|---:|---:|---:|',
  ];
  for (const r of rows) {
    const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
    lines.push(
      `| ${r.workload} | ${r.candidate} | ${Math.round(r.msgsPerSec).toLocaleString('en-US')} | ${pct(r.ratioToBaseline)} (${pct(r.ratioP25)}-${pct(r.ratioP75)}) | ${pct(r.bestRatio)} |`,
    );
  }
  return lines.join('\n');
}
