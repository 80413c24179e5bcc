import { needs, hilTest as test } from '@esphil/hil/test';
import { PROTOCOL_VERSION } from '@esphil/protocol';
import { expect } from 'vitest';

test(
  'hello carries the firmware version the boot line announced',
  needs('esphil'),
  async ({ dut, bench }) => {
    const fw = bench.session.expect.fw;
    bench.measure({
      name: 'fw',
      expected: fw ?? '(from boot line)',
      measured: dut.hello.fw,
      ok: fw === null || dut.hello.fw === fw,
    });
    expect(dut.hello.proto).toBe(PROTOCOL_VERSION);
    if (fw !== null) expect(dut.hello.fw).toBe(fw);
    const info = await dut.info();
    expect(info.fw).toBe(dut.hello.fw);
    expect(info.boot).toBe(dut.hello.boot);
  },
);

test('capabilities match the device config', needs('esphil'), async ({ dut, bench }) => {
  const cfg = bench.session.config;
  const caps = dut.caps;
  expect(caps.leds.map((l) => [l.name, l.pin])).toEqual(cfg.leds.map((l) => [l.name, l.pin]));
  expect(caps.pwm.map((p) => [p.name, p.pin, p.freq, p.bits])).toEqual(
    cfg.pwm.map((p) => [p.name, p.pin, p.freq, p.bits]),
  );
  expect(caps.buttons.map((b) => [b.name, b.pin])).toEqual(cfg.buttons.map((b) => [b.name, b.pin]));
  expect(caps.sensors.map((s) => [s.name, s.pin])).toEqual(cfg.sensors.map((s) => [s.name, s.pin]));
  expect(caps.maxClients).toBe(cfg.websocket.maxClients);
  bench.measure({
    name: 'targets',
    expected: cfg.leds.length + cfg.pwm.length + cfg.buttons.length + cfg.sensors.length,
    measured: caps.leds.length + caps.pwm.length + caps.buttons.length + caps.sensors.length,
    ok: true,
  });
});
