import type { DeviceClient } from '@esphil/client';
import { needs, hilTest as test } from '@esphil/hil/test';
import { expect } from 'vitest';

function edges(client: DeviceClient, button: string): boolean[] {
  const seen: boolean[] = [];
  client.on('button', (e) => {
    if (e.button === button) seen.push(e.pressed);
  });
  return seen;
}

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return cond();
}

test(
  'button edges are pushed to every connected client without polling',
  needs('esphil', 'buttons'),
  async ({ dut, bench }) => {
    const button = bench.session.config.buttons[0];
    if (!button) throw new Error('the device config has no button to test');
    const wire = bench.wireFor('buttons', button.name);
    if (wire?.kind !== 'drive') throw new Error(`button '${button.name}' has no drive wire from the probe`);
    const others = [await bench.session.connect('b1'), await bench.session.connect('b2')];
    const clients = [dut, ...others];
    const seen = clients.map((c) => edges(c, button.name));
    const pressLevel = button.activeLow ? 0 : 1;
    const t = bench.timeouts.observeMs;

    bench.session.probe.driveDigital(wire.probePin, pressLevel as 0 | 1);
    const pressed = await until(() => seen.every((s) => s.length >= 1), t);
    bench.session.probe.driveDigital(wire.probePin, (1 - pressLevel) as 0 | 1);
    const released = await until(() => seen.every((s) => s.length >= 2), t);
    bench.measure({
      name: 'clients that saw press + release',
      expected: clients.length,
      measured: seen.filter((s) => s.length >= 2).length,
      ok: pressed && released,
    });
    expect(seen).toEqual(clients.map(() => [true, false]));
  },
);
