import { ImprovClient } from '@esphil/serial';
import { errorMessage, HilError } from '../errors';
import { abortable } from './abort';
import type { Stage } from './stage';

/** Stage `provision` (only with an improv section): Improv Wi-Fi over serial; adds the `url` it reports. */
export const provisionStage: Stage = {
  name: 'provision',
  skip: (ctx) => (ctx.bench.improv ? null : 'no improv section'),
  async run(ctx) {
    const { bench } = ctx;
    const creds = bench.improv!;
    const before = ctx.parts.url ?? null;
    try {
      const r = await abortable(
        new ImprovClient(ctx.need('console'), { provisionTimeoutMs: bench.timeouts.provisionMs }).provision({
          ssid: creds.ssid,
          password: creds.password,
          timeoutMs: bench.timeouts.provisionMs,
        }),
        ctx.signal,
      );
      const url = bench.dut.url === 'discover' ? (r.urls.find((u) => u.startsWith('ws')) ?? before) : before;
      return { detail: url ?? '', adds: { url } };
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      throw new HilError(
        'provision_failed',
        `Improv provisioning failed: ${errorMessage(e)}`,
        'check improv.ssid/password and that the AP is in range',
      );
    }
  },
};
