import { connectLegacy } from '@esphil/client';
import { needs, hilTest as test } from '@esphil/hil/test';
import { LEGACY_REPLY_OFF, LEGACY_REPLY_ON } from '@esphil/protocol';
import { expect } from 'vitest';

// Through the adapter (`io`): runs on any firmware that can switch an LED, the tutorial sketch included.
test('led.set on and off show on the probe pin', needs('led.set'), async ({ io, bench }) => {
  const led = bench.session.config.leds[0];
  if (!led) throw new Error('the device config has no LED to test');
  await io.ledSet(led.name, true);
  const on = await bench.expectLed(led.name, true);
  await io.ledSet(led.name, false);
  const off = await bench.expectLed(led.name, false);
  expect(on.ok, `probe read ${on.measured} with the LED on`).toBe(true);
  expect(off.ok, `probe read ${off.measured} with the LED off`).toBe(true);
});

test('led.toggle flips the pin both ways', needs('esphil', 'led.set'), async ({ dut, bench }) => {
  const led = bench.session.config.leds[0]!;
  await dut.ledSet(led.name, false);
  const first = await dut.ledToggle(led.name);
  expect(first.on).toBe(true);
  const lit = await bench.expectLed(led.name, true);
  const second = await dut.ledToggle(led.name);
  expect(second.on).toBe(false);
  const dark = await bench.expectLed(led.name, false);
  expect([lit.ok, dark.ok]).toEqual([true, true]);
});

test(
  'legacy "LED ON" / "LED OFF" text frames drive the first LED',
  needs('legacy-text'),
  async ({ bench }) => {
    const led = bench.session.config.leds[0]!;
    // The esphil firmware must also say so in its hello (a tutorial sketch has no hello).
    if (bench.session.adapter.capabilities.has('esphil'))
      expect(bench.session.expect.caps.legacyText).toBe(true);
    const legacy = await connectLegacy(bench.session.url, {
      timeoutMs: bench.timeouts.connectMs,
      requestTimeoutMs: bench.timeouts.requestMs,
    });
    try {
      expect(await legacy.ledOn()).toBe(LEGACY_REPLY_ON);
      const on = await bench.expectLed(led.name, true);
      expect(await legacy.ledOff()).toBe(LEGACY_REPLY_OFF);
      const off = await bench.expectLed(led.name, false);
      expect([on.ok, off.ok]).toEqual([true, true]);
    } finally {
      await legacy.close();
    }
  },
);
