import { HilError } from '../errors';
import { ProbeMonitor } from '../probe/monitor';
import { abortable } from './abort';
import { nativeBinding } from './native-binding';
import { serialStageError } from './serial-open';
import type { Stage } from './stage';

/**
 * Stage `probe`: stock johnny-five on the probe port; adds `probe` (closed on cleanup). StandardFirmata boots with
 * every pin OUTPUT LOW, which holds an active-low button pressed: drive lines are released at once.
 */
export const probeStage: Stage = {
  name: 'probe',
  async run(ctx) {
    const { bench } = ctx;
    const { probePath, binding } = ctx.need('ports');
    let probe: ProbeMonitor;
    try {
      probe = await abortable(
        (async () =>
          ProbeMonitor.open({
            path: probePath,
            baudRate: bench.probe.baud,
            binding: binding ?? (await nativeBinding()),
            timeoutMs: bench.timeouts.probeMs,
          }))(),
        ctx.signal,
        (late) => late.close(),
      );
    } catch (e) {
      if (ctx.signal.aborted || e instanceof HilError) throw e;
      throw serialStageError(e, 'probe', probePath);
    }
    ctx.onCleanup(() => probe.close());
    for (const w of ctx.wiring.wires) if (w.kind === 'drive') probe.driveDigital(w.probePin, 1);
    return { detail: `${bench.probe.board} on ${probePath}`, adds: { probe } };
  },
};
