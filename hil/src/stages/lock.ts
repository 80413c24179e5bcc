import { acquireLock } from '../lock/lock';
import type { Stage } from './stage';

/**
 * Stage `lock` (hardware only): one lock file per serial port, DUT then probe, each released on cleanup. Simulated
 * benches are private to this process.
 */
export const lockStage: Stage = {
  name: 'lock',
  skip: (ctx) => (ctx.bench.kind === 'hardware' ? null : 'simulated bench: private to this process'),
  async run(ctx) {
    const { dutPath, probePath } = ctx.need('ports');
    const paths: string[] = [];
    for (const port of [dutPath, probePath]) {
      // The one call of acquireLock in the runner.
      const lock = await acquireLock(port, {
        owner: `hil ${ctx.bench.name}`,
        ...(ctx.options.lockDir ? { dir: ctx.options.lockDir } : {}),
        waitMs: ctx.bench.timeouts.lockMs,
        signal: ctx.signal,
        onWaiting: (_holder, description) => {
          ctx.info(`  lock ${port}: waiting for ${description} (up to ${ctx.bench.timeouts.lockMs} ms)`);
          ctx.log(`[lock] ${port}: waiting for ${description}`);
        },
      });
      ctx.onCleanup(() => lock.release());
      paths.push(lock.path);
    }
    return { detail: paths.join(', ') };
  },
};
