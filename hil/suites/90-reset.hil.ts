import type { ClientEventOf } from '@esphil/client';
import { needs, hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

test(
  'reset mid-session: the client reconnects and resyncs to the rebooted state',
  needs('esphil', 'reset'),
  async ({ dut, bench }) => {
    const led = bench.session.config.leds[0]!;
    // Checked through the protocol only: the LED's wire belongs to the LED suites, so a dead LED line fails those, not this.
    await dut.ledSet(led.name, !(led.initial ?? false));
    const bootBefore = dut.hello.boot;
    const reconnected = new Promise<ClientEventOf<'reconnected'>>((resolve) => {
      const off = dut.on('reconnected', (e) => {
        off();
        resolve(e);
      });
    });
    await bench.session.reset();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const e = await Promise.race([
      reconnected,
      new Promise<null>((r) => {
        timer = setTimeout(() => r(null), bench.timeouts.readyMs + bench.timeouts.connectMs);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(e, 'client did not reconnect after the reset').not.toBeNull();
    expect(e!.rebooted).toBe(true);
    expect(dut.hello.boot).not.toBe(bootBefore);
    // Back to the config's boot state, in the mirror and on the device.
    const initial = led.initial ?? false;
    expect(dut.state.leds[led.name]).toBe(initial);
    expect((await dut.getState()).leds[led.name]).toBe(initial);
    const info = await dut.info();
    expect(info.boot).toBe(dut.hello.boot);
    bench.measure({ name: 'reconnect attempts', expected: '>= 1', measured: e!.missed.attempts, ok: true });
  },
);
