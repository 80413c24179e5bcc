import type { ClientEventOf } from '@esphil/client';
import { needs, hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

test(
  'a change made by one client is broadcast to every client',
  needs('esphil', 'broadcast'),
  async ({ dut, bench }) => {
    const led = bench.session.config.leds[0]!;
    await dut.ledSet(led.name, false);
    const clients = [dut, await bench.session.connect('c1'), await bench.session.connect('c2')];
    const got = clients.map(() => [] as ClientEventOf<'led'>[]);
    for (const [i, c] of clients.entries()) {
      c.on('led', (e) => {
        got[i]!.push(e);
      });
    }
    const res = await clients[1]!.ledToggle(led.name);
    expect(res.on).toBe(true);
    const end = Date.now() + bench.timeouts.observeMs;
    while (got.some((g) => g.length === 0) && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    bench.measure({
      name: 'clients that got the led event',
      expected: clients.length,
      measured: got.filter((g) => g.length > 0).length,
      ok: got.every((g) => g.length > 0),
    });
    for (const g of got) expect(g.map((e) => [e.led, e.on])).toEqual([[led.name, true]]);
    expect(new Set(got.map((g) => g[0]?.by)).size).toBe(1);
    for (const c of clients) expect(c.state.leds[led.name]).toBe(true);
    await dut.ledSet(led.name, false);
  },
);
