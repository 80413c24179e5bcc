import { expectDutAdcReading } from '@esphil/device-model';
import { needs, hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

const WINDOW_MS = 500;

test(
  'sensor stream follows a probe-driven level at the subscribed rate',
  needs('esphil', 'sensor'),
  async ({ dut, bench }) => {
    const sensor = bench.session.config.sensors[0];
    if (!sensor) throw new Error('the device config has no sensor to test');
    const wire = bench.wireFor('sensors', sensor.name);
    if (wire?.kind !== 'analog-drive')
      throw new Error(`sensor '${sensor.name}' has no analog-drive wire from the probe`);
    const hz = Math.min(20, sensor.maxHz);
    const samples: { at: number; raw: number }[] = [];
    dut.on('sensor', (e) => {
      if (e.sensor === sensor.name) samples.push({ at: Date.now(), raw: e.raw });
    });
    await dut.subscribeSensor(sensor.name, hz);
    try {
      for (const level of [64, 192]) {
        const exp = expectDutAdcReading({ fraction: level / 255, probe: bench.session.profile, wire });
        bench.session.probe.drivePwm(wire.probePin, level);
        await new Promise((r) => setTimeout(r, exp.settleMs));
        const from = Date.now();
        await new Promise((r) => setTimeout(r, WINDOW_MS));
        const window = samples.filter((s) => s.at >= from);
        const mean = window.reduce((a, s) => a + s.raw, 0) / Math.max(1, window.length);
        const expectedCount = (hz * WINDOW_MS) / 1000;
        bench.measure({
          name: `sensor @ probe PWM ${level}`,
          expected: Math.round(exp.value),
          measured: Math.round(mean),
          tolerance: Math.round(exp.tolerance),
          unit: 'counts',
          ok: Math.abs(mean - exp.value) <= exp.tolerance,
        });
        bench.measure({
          name: `samples in ${WINDOW_MS} ms @ ${hz} Hz`,
          expected: expectedCount,
          measured: window.length,
          tolerance: Math.ceil(expectedCount * 0.5),
          ok: Math.abs(window.length - expectedCount) <= Math.ceil(expectedCount * 0.5),
        });
        expect(
          Math.abs(mean - exp.value),
          `sensor mean ${mean} vs ${exp.value} ±${exp.tolerance}`,
        ).toBeLessThanOrEqual(exp.tolerance);
        expect(Math.abs(window.length - expectedCount)).toBeLessThanOrEqual(Math.ceil(expectedCount * 0.5));
      }
    } finally {
      await dut.unsubscribeSensor(sensor.name);
      bench.session.probe.drivePwm(wire.probePin, 0);
    }
  },
);
