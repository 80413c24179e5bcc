import { HilError } from '../errors';
import {
  describeReported,
  expectationsFor,
  identityMismatch,
  type ReportedIdentity,
} from '../flash/identity';
import type { StageContext } from './stage';

/**
 * The booted build must be the one the flash stage wrote (its app descriptor's ELF SHA-256) and match the bench's
 * firmware.expect: otherwise the run would test a stale or wrong build. Exit 2 naming both identities. Returns
 * whether there was anything to check.
 */
export function checkBootIdentity(ctx: StageContext, reported: ReportedIdentity, where: string): boolean {
  const expectations = expectationsFor(ctx.parts.flashed, ctx.bench.firmware?.expect ?? null);
  if (expectations.length === 0) return false;
  const mismatch = identityMismatch(expectations, reported);
  if (mismatch) {
    throw new HilError(
      'identity_mismatch',
      `wrong build booted (${where}): ${mismatch}`,
      ctx.parts.flashed
        ? 'the flash did not take (another app slot boots: otadata, partition table) or the firmware does not report the descriptor it booted; flash the whole image set'
        : 'flash the expected build, or update firmware.expect',
    );
  }
  ctx.log(`[identity] ${where}: ${describeReported(reported)} as expected`);
  return true;
}
