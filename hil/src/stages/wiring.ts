import { PROBE_BOARDS, type ProbeProfile } from '@esphil/device-model';
import type { ResolvedBench } from '../bench/types';
import { capabilitiesOf } from '../dut/load';
import { HilError } from '../errors';
import { withContext } from '../report/attach';
import { checkWiring } from '../wiring/check';
import { abortable } from './abort';
import type { Stage } from './stage';

/** The probe board's ADC/threshold profile, with the bench's vref. */
export function probeProfile(bench: ResolvedBench): ProbeProfile {
  return { ...PROBE_BOARDS[bench.probe.board], ...(bench.probe.vref ? { vref: bench.probe.vref } : {}) };
}

/**
 * Stage `wiring`: the wiring self-check (quick in a run, full in doctor). A crossed wire stops a run; adds
 * `findings`.
 */
export const wiringStage: Stage = {
  name: 'wiring',
  async run(ctx) {
    const quick = ctx.options.wiringCheck === 'quick';
    const findings = await abortable(
      checkWiring({
        client: ctx.parts.dut ?? null,
        io: ctx.need('io'),
        capabilities: capabilitiesOf(ctx.need('adapter'), ctx.bench),
        dutName: ctx.need('adapter').name,
        probe: ctx.need('probe'),
        spec: ctx.wiring,
        profile: probeProfile(ctx.bench),
        config: ctx.config,
        observeMs: ctx.bench.timeouts.observeMs,
        full: !quick,
      }),
      ctx.signal,
    );
    const crossed = findings.filter((x) => x.status === 'crossed');
    if (crossed.length > 0 && quick) {
      // The findings go with the error, so the bench-error report has the wiring table its hint points at.
      throw withContext(
        new HilError(
          'wiring_crossed',
          `wiring check failed: ${crossed.map((c) => c.detail).join('; ')}`,
          `swap the wires '${crossed[0]!.wire}' and '${crossed[0]!.otherWire}' back (see the wiring table), then run \`hil doctor\``,
        ),
        { findings },
      );
    }
    return { detail: findings.map((x) => `${x.wire}: ${x.status}`).join(', '), adds: { findings } };
  },
};
