import {
  isWireFault,
  parseFaults,
  SimError,
  startTutorialBench,
  type TutorialBench,
  WIRE_FAULTS,
  wireOverridesFor,
} from '@esphil/sim';
import { errorMessage, HilError } from '../errors';
import type { AnyBinding } from '../probe/monitor';
import { abortable } from './abort';
import type { BenchProvider } from './bench-provider';
import type { StageContext } from './stage';

/** Faults that mean something to the tutorial sketch: those on the bench wires (the rest act in esphil firmware). */
function wireFaults(ctx: StageContext) {
  const names = [...ctx.bench.sim.faults, ...(ctx.options.simFaults ?? [])];
  let faults: ReturnType<typeof parseFaults>;
  try {
    faults = parseFaults(names);
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
    throw new HilError('bad_args', e.message, 'fix the fault name (see @esphil/sim FAULT_NAMES)');
  }
  const firmware = faults.filter((f) => !isWireFault(f)).map((f) => f.name);
  if (firmware.length > 0) {
    throw new HilError(
      'bad_args',
      `${firmware.join(', ')}: not available with the tutorial sketch (those faults act in the esphil firmware)`,
      `use wire faults only: ${WIRE_FAULTS.join(', ')}`,
    );
  }
  return faults;
}

/**
 * The simulated board running the tutorial sketch (`sim.firmware: "tutorial"`, what `esphil-sim --firmware tutorial`
 * starts): the same virtual binding, wiring and probe as the esphil sim; its EN reset restarts the sketch.
 */
export const simTutorialProvider: BenchProvider = {
  kind: 'sim',
  async open(ctx) {
    const { bench, options } = ctx;
    const latency = options.latency ?? bench.sim.latency;
    if (latency !== 'zero') {
      throw new HilError(
        'bad_args',
        `latency "${latency}": the simulated tutorial sketch has no latency model`,
        'drop --latency / sim.latency for this bench',
      );
    }
    const faults = wireFaults(ctx);
    const starting = startTutorialBench({
      wiring: ctx.wiring,
      ...(bench.sim.seed !== null ? { seed: bench.sim.seed } : {}),
    });
    // One that comes up after an abort is closed at once (onCleanup after close runs right away).
    void starting.then(
      (b) => ctx.onCleanup(() => b.close()),
      () => {},
    );
    let sim: TutorialBench;
    try {
      sim = await abortable(starting, ctx.signal);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw new HilError(
        'never_ready',
        `the simulated tutorial sketch could not start: ${errorMessage(e)}`,
        'check the wiring section of the bench file',
      );
    }
    for (const o of wireOverridesFor(faults, ctx.wiring)) sim.wiring.applyOverride(o);
    return {
      dutPath: sim.dutPath,
      probePath: sim.probePath,
      binding: sim.binding as unknown as AnyBinding,
      sim: null,
      simReset: () => sim.reset(),
    };
  },
};
