import type { TestOptions } from 'vitest';
import { DUT_CAPABILITY_NAMES, type DutCapability, isDutCapability } from './capabilities';

/** Where a test's declared needs live in its vitest task meta (read by the `capabilityGuard` fixture). */
export interface NeedsMeta {
  needs?: DutCapability[];
}

/**
 * Declares what a test needs from the DUT: on a DUT whose adapter lacks any of it the test is skipped, with the
 * reason in every report, before its body (or its `dut` fixture) runs.
 *   test('fan spins up', needs('pwm'), async ({ io, bench }) => { ... });
 */
export function needs(...capabilities: DutCapability[]): TestOptions {
  const bad = capabilities.filter((c) => !isDutCapability(c));
  if (bad.length > 0) {
    throw new Error(
      `needs(): unknown capabilit${bad.length > 1 ? 'ies' : 'y'} ${bad.map((c) => JSON.stringify(c)).join(', ')}; known: ${DUT_CAPABILITY_NAMES.join(', ')}`,
    );
  }
  const meta: NeedsMeta = { needs: [...capabilities] };
  return { meta: meta as TestOptions['meta'] };
}

export function neededBy(task: { meta: object }): DutCapability[] {
  const n = (task.meta as NeedsMeta).needs;
  return Array.isArray(n) ? n.filter(isDutCapability) : [];
}
