// For the boot-mark and identity tests (sim and sim-pty benches): the stock session stages with observers in
// between, recording the board's resets and phases and the ready stage's result; optionally an earlier boot right
// after the serial open, or a boot line the console misses.
import type { SerialItem } from '@esphil/protocol';
import { type ReadyResult, type SerialConsole, waitForReady } from '@esphil/serial';
import type { SimBench } from '@esphil/sim';
import { loadBench } from '../bench/load';
import { openSession } from '../session/open';
import type { HilSession } from '../session/types';
import { Pipeline } from '../stages/pipeline';
import { SESSION_STAGES } from '../stages/session-stages';
import type { Stage } from '../stages/stage';

const BOOT_LINE = '@esphil {"t":"boot"';

export interface BootProbe {
  sim: SimBench | null;
  /** sim.dut.boots when the bench came up (the factory app's power-on boot). */
  bootsAtStart: number;
  /** Chip resets into the app (not into the ROM loader) from then on, complete or cut by the next reset. */
  appResets: number;
  /** The board's next settled phase once the flash stage returned. */
  afterFlash: string | null;
  /** The boot id of the earlier boot made after the serial open (earlierBoot option). */
  earlier: string | null;
  ready: ReadyResult | null;
}

/** A whole boot of the board (boot and ready lines) that reaches the open console before the reset stage runs. */
async function earlierBoot(sim: SimBench, serial: SerialConsole): Promise<string> {
  const since = serial.mark();
  await sim.dut.reset();
  // Its bytes are still on the wire (115200 baud) when the sim is ready: wait until the console has the ready line.
  await waitForReady(serial, { since, timeoutMs: 5000 });
  return sim.dut.bootId;
}

function observer(name: string, run: Stage['run']): Stage {
  return { name: `setup:test-${name}`, run };
}

/**
 * The console misses the boot's boot line (a port opened late, a line lost to noise): the mark moves past it, so the
 * ready stage sees this boot's ready line without one.
 */
const missBootLine: Stage = observer('miss-boot-line', async (ctx) => {
  const serial = ctx.need('console');
  const isBoot = (item: SerialItem) => item.kind === 'machine' && item.message.t === 'boot';
  const seen = serial.entries(ctx.need('bootMark')).find((e) => isBoot(e.item));
  if (seen) return { adds: { bootMark: seen.index + 1 } };
  // Marked as the boot line arrives (its entry is in, the next is not): a ready line in the same chunk still counts.
  const bootMark = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no boot line')), ctx.bench.timeouts.readyMs);
    const off = serial.on('item', (item) => {
      if (!isBoot(item)) return;
      clearTimeout(timer);
      off();
      resolve(serial.mark());
    });
  });
  return { adds: { bootMark } };
});

export interface ObserveOptions {
  /** A whole boot made right after the serial open, before the reset stage's. */
  earlierBoot?: boolean;
  /** The ready stage does not see the boot line of the reset stage's boot. */
  missBootLine?: boolean;
}

function stagesWith(probe: BootProbe, opts: ObserveOptions): Stage[] {
  const out: Stage[] = [];
  for (const stage of SESSION_STAGES) {
    out.push(stage);
    if (stage.name === 'setup:ports') {
      out.push(
        observer('ports', async (ctx) => {
          const sim = ctx.need('ports').sim;
          probe.sim = sim;
          probe.bootsAtStart = sim?.dut.boots ?? 0;
          sim?.dut.on('reset', ({ mode }) => {
            if (mode === 'flash') probe.appResets++;
          });
          return undefined;
        }),
      );
    }
    if (stage.name === 'flash') {
      out.push(
        observer('after-flash', async (ctx) => {
          // In the loader now, or on its way to booting (EN released: the sim boots EN_RELEASE_MS later).
          probe.afterFlash =
            (await ctx.need('ports').sim?.dut.waitForPhase(['download', 'booting', 'running'])) ?? null;
          return undefined;
        }),
      );
    }
    if (stage.name === 'reset' && opts.missBootLine) out.push(missBootLine);
    if (stage.name === 'setup:serial' && opts.earlierBoot) {
      out.push(
        observer('earlier-boot', async (ctx) => {
          const sim = ctx.need('ports').sim;
          if (!sim) throw new Error('the earlier boot needs a simulated bench');
          probe.earlier = await earlierBoot(sim, ctx.need('console'));
          return undefined;
        }),
      );
    }
    if (stage.name === 'ready') {
      out.push(
        observer('ready', async (ctx) => {
          probe.ready = ctx.need('ready');
          return undefined;
        }),
      );
    }
  }
  return out;
}

/** Opens a session on `benchFile` with the observers; the caller closes it (session.close()). */
export async function openObserved(
  benchFile: string,
  opts: ObserveOptions = {},
): Promise<{ session: HilSession; probe: BootProbe }> {
  const probe: BootProbe = {
    sim: null,
    bootsAtStart: 0,
    appResets: 0,
    afterFlash: null,
    earlier: null,
    ready: null,
  };
  const bench = await loadBench(benchFile);
  const { session } = await openSession({
    bench,
    pipeline: new Pipeline(),
    wiringCheck: 'quick',
    stages: stagesWith(probe, opts),
  });
  return { session, probe };
}

/** The boot lines in the run's serial log. */
export function bootLines(session: HilSession): string[] {
  return session.serialLog.entries.map((e) => e.text).filter((t) => t.startsWith(BOOT_LINE));
}
