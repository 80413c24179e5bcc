import { latencyStats, needs, hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

const SAMPLES = 30;

// Through the adapter (`io`): any firmware that switches an LED gets its command-to-pin latency measured.
test(
  'actuation latency (command sent -> pin seen by the probe) p50/p95/p99',
  needs('led.set'),
  async ({ io, bench }) => {
    const led = bench.session.config.leds[0]!;
    const wire = bench.wireFor('leds', led.name);
    if (wire?.kind !== 'digital') throw new Error(`LED '${led.name}' has no digital wire to the probe`);
    const key = `d${wire.probePin}`;
    bench.session.probe.watchDigital(wire.probePin);
    await io.ledSet(led.name, false);
    await bench.expectLed(led.name, false);
    const samples: number[] = [];
    let on = false;
    for (let i = 0; i < SAMPLES; i++) {
      on = !on;
      const level = on !== (led.activeLow ?? false) ? 1 : 0;
      const t0 = performance.now();
      const seen = new Promise<number | null>((resolve) => {
        // Whichever comes first ends both the listener and the timer: nothing stays armed after the test.
        const timer = setTimeout(() => {
          off();
          resolve(null);
        }, bench.timeouts.observeMs);
        const off = bench.session.probe.onChange((c) => {
          if (c.key === key && c.value === level) {
            off();
            clearTimeout(timer);
            resolve(c.at);
          }
        });
      });
      // Both awaited together: a lost answer fails this test instead of floating off as an unhandled rejection.
      const [at] = await Promise.all([seen, io.ledSet(led.name, on)]);
      // A pin that does not follow once will not follow 30 times: stop instead of waiting out every sample.
      if (at === null) break;
      samples.push(at - t0);
    }
    await io.ledSet(led.name, false);
    bench.recordLatency(samples);
    const stats = latencyStats(samples);
    const limit = bench.session.bench.tolerances.latencyP99Ms;
    bench.measure({
      name: 'observed actuations',
      expected: SAMPLES,
      measured: samples.length,
      ok: samples.length === SAMPLES,
    });
    bench.measure({
      name: 'p50',
      expected: `<= ${limit}`,
      measured: Number(stats.p50.toFixed(1)),
      unit: 'ms',
      ok: stats.p50 <= limit,
    });
    bench.measure({
      name: 'p95',
      expected: `<= ${limit}`,
      measured: Number(stats.p95.toFixed(1)),
      unit: 'ms',
      ok: stats.p95 <= limit,
    });
    bench.measure({
      name: 'p99',
      expected: `<= ${limit}`,
      measured: Number(stats.p99.toFixed(1)),
      unit: 'ms',
      ok: stats.p99 <= limit,
    });
    expect(samples.length, 'every command must show on the pin').toBe(SAMPLES);
    expect(stats.p99).toBeLessThanOrEqual(limit);
  },
);
