// The boot mark through real pseudo-terminals (benches/sim-pty.json: socat, the native binding, reset "sim"): a
// good flash boots once (the sim circuit leaves the board in the loader), and an earlier boot's ready line that came
// through socat after the port opened is not taken for the reset stage's boot.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootLines, openObserved } from '../testing/boot-probe';

const PTY_BENCH = fileURLToPath(new URL('../../benches/sim-pty.json', import.meta.url));

beforeAll(() => {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('socat is not installed: the pty bench needs it (apt-get install socat)');
  }
});

describe('the boot mark over socat (benches/sim-pty.json)', () => {
  it('one boot per good flash, and the earlier boot ready line is not this boot', async () => {
    const { session, probe } = await openObserved(PTY_BENCH, { earlierBoot: true });
    try {
      const sim = probe.sim!;
      expect(session.bench.kind).toBe('sim-pty');
      expect(probe.afterFlash).toBe('download');
      // The earlier boot (made by the test after the open) and the reset stage's: two app resets, two boot lines.
      expect(probe.appResets).toBe(2);
      expect(bootLines(session)).toEqual([
        expect.stringContaining(`"boot":"${probe.earlier}"`),
        expect.stringContaining(`"boot":"${sim.dut.bootId}"`),
      ]);
      expect(probe.ready?.boot?.boot).toBe(sim.dut.bootId);
    } finally {
      await session.close();
    }
  });
});
