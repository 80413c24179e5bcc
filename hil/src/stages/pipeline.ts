import { errorMessage, HilError } from '../errors';
import type { StageName, StageRecord } from '../report/model';
import { type ProgressSink, silentProgress } from '../run/progress';
import { abortError } from './abort';
import type { SessionEnv, SessionParts, Stage, StageContext } from './stage';

/** Longest wait for one cleanup step (closing a port, the sim, a client) on a normal end of the run. */
export const CLEANUP_STEP_MS = 3000;
/** After an abort, how long the running stage may take to stop on its own (it sees the signal) before it is cut. */
export const ABORT_GRACE_MS = 1000;
/**
 * After an abort, every cleanup step still runs, but together they wait at most this long from the abort (each step
 * at least ABORT_MIN_STEP_MS): an interrupted run must end within about 2 s.
 */
export const ABORT_CLEANUP_BUDGET_MS = 1500;
export const ABORT_MIN_STEP_MS = 50;

export interface PipelineOptions {
  progress?: ProgressSink;
  signal?: AbortSignal;
  cleanupStepMs?: number;
  abortGraceMs?: number;
}

type CleanupStep = () => Promise<void> | void;

const never = new AbortController().signal;

/**
 * Runs stages in order: times them, reports progress, records each as ok / failed / skipped / aborted, owns the
 * abort signal and the cleanup list (run last first, each step bounded). A stage that throws ends the run: later
 * stages do not run. Setup steps (`setup:` names) run the same way but leave no record.
 */
export class Pipeline {
  readonly records: StageRecord[] = [];
  readonly signal: AbortSignal;
  private readonly progress: ProgressSink;
  private readonly cleanups: CleanupStep[] = [];
  private readonly cleanupStepMs: number;
  private readonly graceMs: number;
  private abortedAt: number | null = null;
  private closed = false;
  /** The reported stage running right now (an abort names it). */
  private current: StageName | null = null;
  private cut: StageName | null = null;

  constructor(opts: PipelineOptions = {}) {
    this.progress = opts.progress ?? silentProgress;
    this.signal = opts.signal ?? never;
    this.cleanupStepMs = opts.cleanupStepMs ?? CLEANUP_STEP_MS;
    this.graceMs = opts.abortGraceMs ?? ABORT_GRACE_MS;
    const mark = () => {
      this.abortedAt ??= performance.now();
      this.cut ??= this.current;
    };
    if (this.signal.aborted) mark();
    else this.signal.addEventListener('abort', mark, { once: true });
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  /** The stage an abort cut (null: none, or the abort came between stages). */
  get abortedStage(): StageName | null {
    return this.cut;
  }

  /** Registers a cleanup step (see StageContext.onCleanup). */
  onCleanup(step: CleanupStep): void {
    if (this.closed) void this.runStep(step);
    else this.cleanups.push(step);
  }

  /** Runs `stages` in order with one context; returns what they added. Throws the first stage's error. */
  async runStages(stages: readonly Stage[], env: SessionEnv): Promise<Partial<SessionParts>> {
    const parts: Partial<SessionParts> = {};
    const ctx: StageContext = {
      ...env,
      signal: this.signal,
      onCleanup: (step) => this.onCleanup(step),
      info: (line) => this.progress.info(line),
      parts,
      need(key) {
        const v = parts[key];
        if (v === undefined)
          throw new HilError('internal', `stage order: "${String(key)}" is needed before a stage added it`);
        return v as SessionParts[typeof key];
      },
    };
    for (const stage of stages) {
      const why = stage.skip?.(ctx) ?? null;
      if (why !== null) {
        if (isReported(stage.name)) this.skip(stage.name, why);
        continue;
      }
      const run = () => stage.run(ctx);
      const done = isReported(stage.name)
        ? await this.stage(
            stage.name,
            run,
            (d) => d?.detail,
            (d) => d?.files,
          )
        : await this.step(run);
      if (done?.adds) Object.assign(parts, done.adds);
    }
    return parts;
  }

  /** One reported stage around `fn` (the runner's own stages: bench, suites). */
  async stage<T>(
    name: StageName,
    fn: () => Promise<T>,
    detail?: (result: T) => string | undefined,
    files?: (result: T) => StageRecord['files'],
  ): Promise<T> {
    if (this.signal.aborted) throw abortError(this.signal);
    const startedAt = Date.now();
    const t0 = performance.now();
    this.current = name;
    this.progress.stage(name, 'start');
    try {
      const result = await this.step(fn);
      const rec: StageRecord = { name, status: 'ok', startedAt, durationMs: performance.now() - t0 };
      const d = detail?.(result);
      if (d) rec.detail = d;
      const f = files?.(result);
      if (f) rec.files = f;
      this.records.push(rec);
      this.progress.stage(name, 'ok', d, rec.durationMs);
      return result;
    } catch (e) {
      const status = this.signal.aborted ? 'aborted' : 'failed';
      const rec: StageRecord = {
        name,
        status,
        startedAt,
        durationMs: performance.now() - t0,
        detail: errorMessage(status === 'aborted' ? abortError(this.signal) : e).split('\n')[0] ?? '',
      };
      this.records.push(rec);
      this.progress.stage(name, status, rec.detail, rec.durationMs);
      throw e;
    } finally {
      this.current = null;
    }
  }

  skip(name: StageName, why: string): void {
    this.records.push({ name, status: 'skipped', startedAt: Date.now(), durationMs: 0, detail: why });
    this.progress.stage(name, 'skipped', why);
  }

  /**
   * Awaits `fn()`; after an abort gives it ABORT_GRACE_MS to stop on its own, then rejects with the abort error (the
   * work is left to settle: what it opens late is closed through onCleanup). Whatever the work ends with after an
   * abort counts as the abort.
   */
  async step<T>(fn: () => Promise<T>): Promise<T> {
    const signal = this.signal;
    if (signal.aborted) throw abortError(signal);
    const work = Promise.resolve().then(fn);
    return new Promise<T>((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      const onAbort = () => {
        grace = setTimeout(() => reject(abortError(signal)), this.graceMs);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = () => {
        signal.removeEventListener('abort', onAbort);
        clearTimeout(grace);
      };
      work.then(
        (v) => {
          settle();
          if (signal.aborted) reject(abortError(signal));
          else resolve(v);
        },
        (e: unknown) => {
          settle();
          reject(signal.aborted ? abortError(signal) : e);
        },
      );
    });
  }

  /** Runs every cleanup step, last registered first; later registrations run at once. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    for (const step of this.cleanups.splice(0).reverse()) await this.runStep(step);
  }

  private async runStep(step: CleanupStep): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      // A wedged port or server must not hang the run after its result is known.
      await Promise.race([
        Promise.resolve().then(step),
        new Promise((r) => {
          timer = setTimeout(r, this.stepWaitMs());
        }),
      ]);
    } catch {
      // best effort: the run's result is already decided
    } finally {
      clearTimeout(timer);
    }
  }

  private stepWaitMs(): number {
    if (this.abortedAt === null) return this.cleanupStepMs;
    const left = this.abortedAt + ABORT_CLEANUP_BUDGET_MS - performance.now();
    return Math.min(this.cleanupStepMs, Math.max(ABORT_MIN_STEP_MS, left));
  }
}

function isReported(name: Stage['name']): name is StageName {
  return !name.startsWith('setup:');
}
