import { resolveConfig } from '@esphil/device-model';
import { DEFAULT_SIM_CONFIG, DEFAULT_SIM_WIRING } from '@esphil/sim';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveBench } from '../bench/validate';
import { HilError } from '../errors';
import { BoundedLog } from '../session/log';
import { ABORT_GRACE_MS, CLEANUP_STEP_MS, Pipeline } from './pipeline';
import type { SessionEnv, Stage } from './stage';

function env(): SessionEnv {
  const { bench } = resolveBench({
    kind: 'sim',
    dut: { port: '/sim/dut' },
    probe: { port: '/sim/probe', board: 'arduino-zero' },
  });
  return {
    bench: bench!,
    options: { wiringCheck: 'quick' },
    config: resolveConfig(DEFAULT_SIM_CONFIG),
    wiring: DEFAULT_SIM_WIRING,
    transcript: new BoundedLog(),
    log: () => {},
  };
}

/** A stage that logs its run and its cleanup into `trace`. */
function traced(trace: string[], name: Stage['name'], body?: () => Promise<void>): Stage {
  return {
    name,
    async run(ctx) {
      trace.push(`run ${name}`);
      ctx.onCleanup(() => {
        trace.push(`clean ${name}`);
      });
      await body?.();
      return { detail: `${name} done` };
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Pipeline', () => {
  it('runs stages in order, records them (setup steps leave no record), cleans up last first', async () => {
    const trace: string[] = [];
    const p = new Pipeline();
    const skipped: Stage = { name: 'provision', skip: () => 'no improv section', run: async () => undefined };
    await p.runStages(
      [traced(trace, 'setup:ports'), traced(trace, 'lock'), skipped, traced(trace, 'flash')],
      env(),
    );
    expect(trace).toEqual(['run setup:ports', 'run lock', 'run flash']);
    expect(p.records.map((r) => [r.name, r.status, r.detail])).toEqual([
      ['lock', 'ok', 'lock done'],
      ['provision', 'skipped', 'no improv section'],
      ['flash', 'ok', 'flash done'],
    ]);
    await p.close();
    expect(trace.slice(3)).toEqual(['clean flash', 'clean lock', 'clean setup:ports']);
  });

  it('hands each stage what earlier stages added; a missing part is a runner bug, not a crash', async () => {
    const p = new Pipeline();
    const ports = { dutPath: '/a', probePath: '/b', binding: undefined, sim: null };
    const seen: string[] = [];
    await p.runStages(
      [
        { name: 'setup:ports', run: async () => ({ adds: { ports } }) },
        {
          name: 'lock',
          async run(ctx) {
            seen.push(ctx.need('ports').dutPath);
            return undefined;
          },
        },
      ],
      env(),
    );
    expect(seen).toEqual(['/a']);
    const q = new Pipeline();
    await expect(
      q.runStages(
        [
          {
            name: 'probe',
            async run(ctx) {
              ctx.need('dut');
              return undefined;
            },
          },
        ],
        env(),
      ),
    ).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/"dut" is needed/) });
  });

  it('a stage that throws is recorded failed, later stages do not run, earlier cleanups still run', async () => {
    const trace: string[] = [];
    const p = new Pipeline();
    const boom = new HilError('never_ready', 'the DUT never printed its ready line\nmore detail');
    await expect(
      p.runStages(
        [
          traced(trace, 'lock'),
          traced(trace, 'ready', async () => {
            throw boom;
          }),
          traced(trace, 'connect'),
        ],
        env(),
      ),
    ).rejects.toBe(boom);
    expect(p.records.map((r) => [r.name, r.status, r.detail])).toEqual([
      ['lock', 'ok', 'lock done'],
      ['ready', 'failed', 'the DUT never printed its ready line'],
    ]);
    await p.close();
    expect(trace).toEqual(['run lock', 'run ready', 'clean ready', 'clean lock']);
  });

  it('an abort cuts the running stage (recorded aborted), runs no later stage, and cleans up last first', async () => {
    const trace: string[] = [];
    const ac = new AbortController();
    const p = new Pipeline({ signal: ac.signal });
    const waiting: Stage = {
      name: 'ready',
      async run(ctx) {
        trace.push('run ready');
        ctx.onCleanup(() => {
          trace.push('clean ready');
        });
        // Cooperates: stops as soon as the signal aborts.
        await new Promise<void>((_, reject) => {
          ctx.signal.addEventListener('abort', () => reject(new Error('stopped')));
          ac.abort('SIGTERM');
        });
        return undefined;
      },
    };
    await expect(
      p.runStages([traced(trace, 'lock'), waiting, traced(trace, 'connect')], env()),
    ).rejects.toMatchObject({ code: 'aborted', message: 'run interrupted (SIGTERM)' });
    expect(p.records.map((r) => [r.name, r.status])).toEqual([
      ['lock', 'ok'],
      ['ready', 'aborted'],
    ]);
    expect(p.abortedStage).toBe('ready');
    await p.close();
    expect(trace).toEqual(['run lock', 'run ready', 'clean ready', 'clean lock']);
  });

  it('a stage that ignores the abort is cut after the grace period; what it registers late is cleaned at once', async () => {
    vi.useFakeTimers();
    const trace: string[] = [];
    const ac = new AbortController();
    const p = new Pipeline({ signal: ac.signal });
    let finishLate = () => {};
    let lateCleanup: (step: () => void) => void = () => {};
    const deaf: Stage = {
      name: 'connect',
      async run(ctx) {
        lateCleanup = (step) => ctx.onCleanup(step);
        await new Promise<void>((r) => {
          finishLate = r;
        });
        return undefined;
      },
    };
    const running = p.runStages([deaf], env());
    const outcome = running.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    ac.abort('SIGINT');
    await vi.advanceTimersByTimeAsync(ABORT_GRACE_MS);
    expect(await outcome).toMatchObject({ code: 'aborted' });
    expect(p.records.map((r) => [r.name, r.status])).toEqual([['connect', 'aborted']]);
    await p.close();
    // The stage finishes after the pipeline closed: its cleanup runs right away instead of leaking.
    lateCleanup(() => trace.push('late client closed'));
    finishLate();
    await vi.advanceTimersByTimeAsync(0);
    expect(trace).toEqual(['late client closed']);
  });

  it('a cleanup step that hangs is bounded by CLEANUP_STEP_MS; the steps before it still run', async () => {
    vi.useFakeTimers();
    const trace: string[] = [];
    const p = new Pipeline();
    await p.runStages(
      [
        traced(trace, 'lock'),
        {
          name: 'probe',
          async run(ctx) {
            ctx.onCleanup(() => new Promise<void>(() => {}));
            return undefined;
          },
        },
      ],
      env(),
    );
    let closed = false;
    const closing = p.close().then(() => {
      closed = true;
    });
    await vi.advanceTimersByTimeAsync(CLEANUP_STEP_MS - 1);
    expect(closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await closing;
    expect(trace).toEqual(['run lock', 'clean lock']);
  });

  it('a cleanup step that throws does not stop the others', async () => {
    const trace: string[] = [];
    const p = new Pipeline();
    await p.runStages(
      [
        traced(trace, 'lock'),
        {
          name: 'probe',
          async run(ctx) {
            ctx.onCleanup(() => {
              throw new Error('port already gone');
            });
            return undefined;
          },
        },
      ],
      env(),
    );
    await p.close();
    expect(trace).toEqual(['run lock', 'clean lock']);
  });

  it('an abort before a stage starts runs nothing of it', async () => {
    const trace: string[] = [];
    const ac = new AbortController();
    ac.abort();
    const p = new Pipeline({ signal: ac.signal });
    await expect(p.runStages([traced(trace, 'lock')], env())).rejects.toMatchObject({ code: 'aborted' });
    expect(trace).toEqual([]);
    expect(p.records).toEqual([]);
  });
});
