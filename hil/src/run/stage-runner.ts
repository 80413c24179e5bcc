import { errorMessage } from '../errors';
import type { StageName, StageRecord } from '../report/model';
import type { ProgressSink } from './progress';

/** Runs stages in order, timing and logging each; a throwing stage is recorded as failed and rethrown. */
export class StageRunner {
  readonly records: StageRecord[] = [];
  constructor(private readonly progress: ProgressSink) {}

  async run<T>(
    name: StageName,
    fn: () => Promise<T>,
    detail?: (result: T) => string | undefined,
  ): Promise<T> {
    const startedAt = Date.now();
    const t0 = performance.now();
    this.progress.stage(name, 'start');
    try {
      const result = await fn();
      const rec: StageRecord = { name, status: 'ok', startedAt, durationMs: performance.now() - t0 };
      const d = detail?.(result);
      if (d) rec.detail = d;
      this.records.push(rec);
      this.progress.stage(name, 'ok', d, rec.durationMs);
      return result;
    } catch (e) {
      const rec: StageRecord = {
        name,
        status: 'failed',
        startedAt,
        durationMs: performance.now() - t0,
        detail: errorMessage(e).split('\n')[0] ?? '',
      };
      this.records.push(rec);
      this.progress.stage(name, 'failed', rec.detail, rec.durationMs);
      throw e;
    }
  }

  skip(name: StageName, why: string): void {
    this.records.push({ name, status: 'skipped', startedAt: Date.now(), durationMs: 0, detail: why });
    this.progress.stage(name, 'skipped', why);
  }
}
