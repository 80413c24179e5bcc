/**
 * The device loop: jobs (frames, hellos, inputs, ticks) run one at a time, each to completion (including its
 * awaits) before the next starts, like the firmware's loop(). Jobs are queued per source (one per connection,
 * one for the device's own work) and the sources take turns (round robin), as arduinoWebSockets' loop() reads at
 * most one frame per client per pass (shared/reference/arduinowebsockets-facts.md §5.1, S.cpp:695-723). So a job
 * from a source that had nothing queued waits for at most one job of every other source plus the one running:
 * one client's flood cannot delay another client's hello by more than that.
 *
 * An idle loop starts a job at once instead of a microtask later; that hop and its promises were most of the
 * sim's own cost per request (BENCHMARKS.md).
 */

interface Job {
  start(): void;
  fail(err: Error): void;
}

export class DeviceLoop {
  private readonly queues = new Map<string, Job[]>();
  /** Sources with queued jobs, in turn order. The running job's source rejoins at the back. */
  private readonly turns: string[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private _jobsRun = 0;

  /** Jobs started so far (tests count jobs instead of measuring time). */
  get jobsRun(): number {
    return this._jobsRun;
  }

  /** Jobs of `source` waiting for their turn (not counting one that runs). */
  pending(source: string): number {
    return this.queues.get(source)?.length ?? 0;
  }

  /** Queue `fn` under `source`; resolves or rejects with its result once it has run. */
  run<T>(source: string, fn: () => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        let result: Promise<T>;
        try {
          result = Promise.resolve(fn());
        } catch (err) {
          result = Promise.reject(err);
        }
        result.then(
          (v) => {
            resolve(v);
            this.next();
          },
          (err: unknown) => {
            reject(err);
            this.next();
          },
        );
      };
      const job: Job = { start, fail: reject };
      if (!this.running) {
        this.running = true;
        this._jobsRun += 1;
        start();
        return;
      }
      const q = this.queues.get(source);
      if (q) q.push(job);
      else {
        this.queues.set(source, [job]);
        this.turns.push(source);
      }
    });
  }

  /**
   * Drop every job `source` still has queued (a connection went away): each one's promise rejects with `err` and
   * none of them runs.
   */
  cancel(source: string, err: Error): void {
    const q = this.queues.get(source);
    if (!q) return;
    this.queues.delete(source);
    this.turns.splice(this.turns.indexOf(source), 1);
    for (const job of q) job.fail(err);
  }

  /** Resolves once nothing runs and nothing is queued. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    const source = this.turns.shift();
    if (source === undefined) {
      this.running = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
      return;
    }
    const q = this.queues.get(source)!;
    const job = q.shift()!;
    if (q.length > 0) this.turns.push(source);
    else this.queues.delete(source);
    this._jobsRun += 1;
    job.start();
  }
}
