import { connect } from '@esphil/client';
import { errorMessage, HilError } from '../errors';
import { clientOptions } from '../session/client-options';
import { abortable } from './abort';
import { checkBootIdentity } from './identity-check';
import type { Stage } from './stage';

/** Stage `connect`: the primary WebSocket client to the DUT's URL; adds `dut` (closed on cleanup). */
export const connectStage: Stage = {
  name: 'connect',
  async run(ctx) {
    const url = ctx.parts.url ?? null;
    if (!url) {
      throw new HilError(
        'connect_failed',
        'the DUT is up but reported no network address (ready line without IP)',
        ctx.bench.improv
          ? 'provisioning did not give a URL: check the AP'
          : 'add an "improv" section to provision WiFi, or set dut.url',
      );
    }
    try {
      const dut = await abortable(
        connect(url, clientOptions(ctx.bench, ctx.transcript, 'dut')),
        ctx.signal,
        (late) => late.close(),
      );
      ctx.onCleanup(() => dut.close());
      if (!ctx.parts.ready?.boot) checkBootIdentity(ctx, dut.hello, 'hello');
      return { detail: url, adds: { dut } };
    } catch (e) {
      if (ctx.signal.aborted || (e instanceof HilError && e.code === 'identity_mismatch')) throw e;
      throw new HilError(
        'connect_failed',
        `WebSocket connect to ${url} failed: ${errorMessage(e)}`,
        'check the DUT is on the same network and dut.token',
      );
    }
  },
};
