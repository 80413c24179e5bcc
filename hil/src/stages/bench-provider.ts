import type { BenchKind } from '../bench/types';
import { hardwareProvider } from './provider-hardware';
import { simProvider, simPtyProvider } from './provider-sim';
import { simTutorialProvider } from './provider-sim-tutorial';
import type { BenchPorts, Stage, StageContext } from './stage';

/**
 * Where the DUT and probe ports come from. A hardware bench and a simulated one are two providers of the same thing:
 * two port paths and the binding to open them with (plus the simulator, when there is one). A provider registers the
 * cleanup of whatever it started (the sim, socat bridges) on the context.
 */
export interface BenchProvider {
  readonly kind: BenchKind;
  open(ctx: StageContext): Promise<BenchPorts>;
}

const PROVIDERS: Record<BenchKind, BenchProvider> = {
  hardware: hardwareProvider,
  sim: simProvider,
  'sim-pty': simPtyProvider,
};

export function providerFor(kind: BenchKind): BenchProvider {
  return PROVIDERS[kind];
}

/** Setup step (no report record, as before stages existed): adds `ports`. */
export const portsStage: Stage = {
  name: 'setup:ports',
  async run(ctx) {
    const provider =
      ctx.bench.sim.firmware === 'tutorial' ? simTutorialProvider : providerFor(ctx.bench.kind);
    return { adds: { ports: await provider.open(ctx) } };
  },
};
