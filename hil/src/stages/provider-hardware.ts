import { findPort } from '@esphil/serial';
import type { PortMatch } from '../bench/types';
import { errorMessage, HilError } from '../errors';
import { abortable } from './abort';
import type { BenchProvider } from './bench-provider';

async function resolvePath(match: PortMatch, what: string, signal: AbortSignal): Promise<string> {
  if (match.path && !match.vendorId && !match.productId && !match.serialNumber) return match.path;
  try {
    return (await abortable(findPort(match), signal)).path;
  } catch (e) {
    if (signal.aborted) throw e;
    throw new HilError(
      'port_missing',
      `${what}: ${errorMessage(e)}`,
      'plug the board in, or run `hil ports` and fix the bench file',
    );
  }
}

/** Real serial ports, by path or USB identity; opened with the native binding. */
export const hardwareProvider: BenchProvider = {
  kind: 'hardware',
  async open(ctx) {
    const dutPath = await resolvePath(ctx.bench.dut.port, 'DUT', ctx.signal);
    const probePath = await resolvePath(ctx.bench.probe.port, 'probe', ctx.signal);
    return { dutPath, probePath, binding: undefined, sim: null };
  },
};
