import { needs, hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

const SWEEP = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1];

test(
  'PWM duty sweep reads through the RC filter within the wiring model tolerance',
  needs('pwm'),
  async ({ io, bench }) => {
    const ch = bench.session.config.pwm[0];
    if (!ch) throw new Error('the device config has no PWM channel to test');
    const results = [];
    for (const duty of SWEEP) {
      // What the hardware really outputs (the quantised duty, incl. the cores' full-on at the maximum).
      const out = (await io.pwmSet!(ch.name, duty)) ?? duty;
      const m = await bench.readPwm(ch.name, out);
      bench.recordSweep({ duty, expected: m.expected, measured: m.measured ?? 0, tolerance: m.tolerance });
      results.push(m);
    }
    await io.pwmSet!(ch.name, 0);
    const bad = results
      .filter((m) => !m.ok)
      .map((m) => `${m.name}: read ${m.measured}, expected ${m.expected} ±${m.tolerance}`);
    expect(bad, 'sweep points outside tolerance').toEqual([]);
  },
);

test(
  'infeasible PWM setups are rejected with pwm_infeasible and the pin keeps its output',
  needs('esphil', 'pwm'),
  async ({ dut, bench }) => {
    const ch = bench.session.config.pwm[0]!;
    await dut.pwmSet(ch.name, { duty: 0.5 });
    const before = await bench.readPwm(ch.name, 0.5);
    const stateBefore = (await dut.getState()).pwm[ch.name];
    // 40 MHz x 2^8 and 1 kHz x 2^21 both exceed what LEDC can do (freq x 2^bits <= 80 MHz, bits <= 20).
    for (const [freq, bits] of [
      [40_000_000, 8],
      [1000, 21],
    ] as const) {
      const err = await dut.pwmConfig(ch.name, freq, bits).then(
        () => null,
        (e: unknown) => e,
      );
      // Checked by shape: suites may load another copy of @esphil/client than the runner's.
      const code = (err as { code?: string } | null)?.code;
      bench.measure({
        name: `pwm.config ${freq} Hz x ${bits} bits`,
        expected: 'pwm_infeasible',
        measured: code ?? 'accepted',
        ok: code === 'pwm_infeasible',
      });
      expect(code, `pwm.config ${freq} Hz x ${bits} bits`).toBe('pwm_infeasible');
    }
    expect((await dut.getState()).pwm[ch.name]).toEqual(stateBefore);
    const after = await bench.readPwm(ch.name, 0.5);
    await dut.pwmSet(ch.name, { duty: 0 });
    // Unchanged = the same reading as before the rejected setups (accuracy is the sweep's job).
    const drift = Math.abs((after.measured ?? Number.NaN) - (before.measured ?? Number.NaN));
    bench.measure({
      name: 'probe reading drift across the rejected setups',
      expected: 0,
      measured: drift,
      tolerance: before.tolerance,
      unit: 'counts',
      ok: drift <= before.tolerance,
    });
    expect(drift).toBeLessThanOrEqual(before.tolerance);
  },
);
