// Needs on a user suite: the runner skips what the DUT cannot do, with the reason, and runs the rest.
import { needs, hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

test('needs pwm', needs('pwm'), async ({ io, bench }) => {
  await io.pwmSet!(bench.session.config.pwm[0]!.name, 0.5);
});

test('uses the esphil client without declaring it', async ({ dut }) => {
  await dut.ping();
});

test('needs led.set', needs('led.set'), async ({ io, bench }) => {
  const led = bench.session.config.leds[0]!;
  await io.ledSet(led.name, true);
  const on = await bench.expectLed(led.name, true);
  await io.ledSet(led.name, false);
  expect(on.ok).toBe(true);
});
