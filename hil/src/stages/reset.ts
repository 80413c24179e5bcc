import { errorMessage, HilError } from '../errors';
import { markBeforeReset } from './boot-mark';
import type { Stage } from './stage';

/**
 * Stage `reset`: the bench's reset (esptool DTR/RTS, the sim's EN button); `none` skips it. Adds the boot mark taken
 * right before this reset (stale input dropped: ./boot-mark.ts), so the ready stage only takes this boot's lines.
 */
export const resetStage: Stage = {
  name: 'reset',
  skip: (ctx) => (ctx.bench.dut.reset === 'none' ? 'reset "none": waiting for the board as it is' : null),
  async run(ctx) {
    const bootMark = await markBeforeReset(ctx.need('conn'), ctx.need('console'));
    try {
      await ctx.need('resetDut')();
    } catch (e) {
      if (e instanceof HilError) throw e;
      throw new HilError(
        'reset_failed',
        `DTR/RTS reset of ${ctx.need('ports').dutPath} failed: ${errorMessage(e)}`,
        'pseudo-terminals cannot carry DTR/RTS: use reset "none" or "sim" there',
      );
    }
    return { detail: ctx.bench.dut.reset, adds: { bootMark } };
  },
};
