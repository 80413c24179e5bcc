// The boot the runner waits for is the one its reset stage caused: on the shipped sim bench (benches/sim.json:
// reset "esptool", a generated image flashed with esptool-js over the sim's virtual binding) a good flash boots the
// new app once, and a ready line of an earlier boot that reaches the open console is not taken for this boot.
// benches/sim-pty.json (reset "sim", through socat): boot-mark.pty.test.ts.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootLines, openObserved } from '../testing/boot-probe';

const SIM_BENCH = fileURLToPath(new URL('../../benches/sim.json', import.meta.url));

describe('the boot mark and the boots of a run (benches/sim.json, reset "esptool")', () => {
  it('a good flash boots the new app once: at the reset stage, with the console open', async () => {
    const { session, probe } = await openObserved(SIM_BENCH);
    try {
      const sim = probe.sim!;
      expect(session.bench.dut.reset).toBe('esptool');
      // The flasher left the board in the loader (a run-mode reset after the write started a boot that the reset
      // stage then cut: on hardware, the lines of two boots), and the reset stage booted it: one boot.
      expect(probe.afterFlash).toBe('download');
      expect(probe.appResets).toBe(1);
      expect(sim.dut.boots - probe.bootsAtStart).toBe(1);
      expect(bootLines(session)).toHaveLength(1);
      expect(probe.ready?.boot?.boot).toBe(sim.dut.bootId);
      expect(probe.ready?.boot?.app?.version).toBe(sim.dut.flash?.booted?.version);
    } finally {
      await session.close();
    }
  });

  it('a ready line of an earlier boot that arrived after the port opened is not taken for the reset stage boot', async () => {
    // Before the fix (mark at the open) the ready stage took the earlier ready line, then saw the reset's boot as a
    // reboot within bootSettleMs: a false "boot loop".
    const { session, probe } = await openObserved(SIM_BENCH, { earlierBoot: true });
    try {
      const sim = probe.sim!;
      expect(probe.earlier).toMatch(/^[0-9a-f]{8}$/);
      expect(sim.dut.bootId).not.toBe(probe.earlier);
      expect(bootLines(session)).toEqual([
        expect.stringContaining(`"boot":"${probe.earlier}"`),
        expect.stringContaining(`"boot":"${sim.dut.bootId}"`),
      ]);
      expect(probe.ready?.boot?.boot).toBe(sim.dut.bootId);
      expect(probe.ready?.log.some((l) => l.includes(probe.earlier!))).toBe(false);
    } finally {
      await session.close();
    }
  });
});
