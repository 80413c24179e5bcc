import {
  DEFAULT_SIM_CONFIG,
  defaultImageSet,
  flashWithImages,
  nativeBackendFactory,
  nativeDeviceBodyFactory,
  type SimBench,
  type SimBenchOptions,
  SimError,
  startSimBench,
  tsDeviceBodyFactory,
} from '@esphil/sim';
import { simProbeOptions } from '../bench/sim-probe';
import { HilError } from '../errors';
import type { AnyBinding } from '../probe/monitor';
import { abortable } from './abort';
import type { BenchProvider } from './bench-provider';
import { benchChip } from './chip';
import { nativeBinding } from './native-binding';
import { bridgeToPty } from './pty-bridge';
import type { StageContext } from './stage';

function simStartError(err: unknown): unknown {
  // The simulator refusing to start (bad config, a native backend that is not built) is a bench error.
  if (!(err instanceof SimError)) return err;
  return new HilError(
    'never_ready',
    `the simulated bench could not start: ${err.message}`,
    err.code === 'bad_option'
      ? 'build what it names, or fix the "sim" section of the bench file'
      : 'fix the device config or the "sim" section of the bench file',
  );
}

/** The device logic behind the simulated board: a whole device body (sim.body), or a frame-level backend. */
function simDevice(sim: StageContext['bench']['sim']): Pick<SimBenchOptions, 'backend' | 'body'> {
  const native = sim.executable ? { executable: sim.executable } : {};
  if (sim.body === 'native') return { body: nativeDeviceBodyFactory(native) };
  if (sim.body === 'ts') return { body: tsDeviceBodyFactory };
  return sim.backend === 'native' ? { backend: nativeBackendFactory(native) } : {};
}

/** Starts the in-process simulator; a sim (or its device backend) that never comes up is a bench error, not a hang. */
async function startSim(ctx: StageContext): Promise<SimBench> {
  const { bench, options } = ctx;
  const starting = startSimBench({
    config: bench.device ?? DEFAULT_SIM_CONFIG,
    wiring: ctx.wiring,
    latency: options.latency ?? bench.sim.latency,
    probe: simProbeOptions(bench.sim.probe),
    faults: [...bench.sim.faults, ...(options.simFaults ?? [])],
    ...(bench.dut.token ? { token: bench.dut.token } : {}),
    ...(bench.sim.seed !== null ? { seed: bench.sim.seed } : {}),
    // A bench with a firmware section gets the modelled flash and ROM loader, holding the factory image set (sim's
    // DEFAULT_APP_IDENTITY) until the flash stage writes the bench's: a flash that silently did nothing boots the
    // factory app, and the ready stage's identity check names it.
    ...(bench.firmware ? { flash: { model: flashWithImages(defaultImageSet(benchChip(ctx))) } } : {}),
    ...simDevice(bench.sim),
  }).catch((e: unknown) => {
    throw simStartError(e);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new HilError(
            'never_ready',
            `the simulated bench did not start within ${bench.timeouts.readyMs} ms`,
            'check the sim backend (device config, --sim-fault arguments); timeouts.readyMs bounds this',
          ),
        ),
      bench.timeouts.readyMs,
    );
  });
  // A sim that comes up after the timeout or an abort is closed at once (onCleanup after close runs right away).
  void starting.then(
    (sim) => ctx.onCleanup(() => sim.close()),
    () => {},
  );
  try {
    return await abortable(Promise.race([starting, timeout]), ctx.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** The simulated bench in this process: its virtual serialport binding, no OS ports. */
export const simProvider: BenchProvider = {
  kind: 'sim',
  async open(ctx) {
    const sim = await startSim(ctx);
    return {
      dutPath: sim.dutPath,
      probePath: sim.probePath,
      binding: sim.binding as unknown as AnyBinding,
      sim,
    };
  },
};

/** The same sim reached like hardware: socat pseudo-terminals opened with the native serialport binding. */
export const simPtyProvider: BenchProvider = {
  kind: 'sim-pty',
  async open(ctx) {
    const sim = await startSim(ctx);
    const native = await nativeBinding();
    const virtual = sim.binding as unknown as AnyBinding;
    const bridge = async (path: string, baudRate: number) => {
      const b = await abortable(
        bridgeToPty({ binding: virtual, path, native, baudRate }),
        ctx.signal,
        (late) => late.close(),
      );
      ctx.onCleanup(() => b.close());
      return b.path;
    };
    const dutPath = await bridge(sim.dutPath, ctx.bench.dut.baud);
    const probePath = await bridge(sim.probePath, ctx.bench.probe.baud);
    return { dutPath, probePath, binding: undefined, sim };
  },
};
