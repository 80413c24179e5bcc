import type { ClientEventOf } from '@esphil/client';
import { connectLegacy } from '@esphil/client';
import { needs, hilTest as test } from '@esphil/hil/test';
import { LEGACY_REPLY_OFF, LEGACY_REPLY_ON } from '@esphil/protocol';
import { expect } from 'vitest';
import WebSocket from 'ws';

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

/** A plain WebSocket on the DUT's URL that keeps every text frame it is sent (a tutorial page, in effect). */
async function textWatcher(url: string, timeoutMs: number) {
  const ws = new WebSocket(url);
  const texts: string[] = [];
  ws.on('message', (data, binary) => {
    if (!binary) texts.push(data.toString());
  });
  // After the open a dropped connection shows as missing texts, not as an uncaught 'error' event.
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(e);
    };
    const timer = setTimeout(() => fail(new Error(`${url} did not open within ${timeoutMs} ms`)), timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', fail);
  });
  return {
    texts,
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close(1000);
      }),
  };
}

// The tutorial's way (seed §3 "LED ON" -> "LED is now ON", broadcast by the sketch): text clients that did not send
// the command get its answer too. The esphil firmware does it for legacy-mode connections (PROTOCOL.md §9).
test(
  'a text command from one client is broadcast to every text client ("LED is now ON/OFF")',
  needs('legacy-text', 'broadcast'),
  async ({ bench }) => {
    const led = bench.session.config.leds[0]!;
    const { connectMs, requestMs, observeMs } = bench.timeouts;
    // Every connection that opened is closed, whatever fails (a refused one must not keep a slot from later tests).
    const opened: { close(): Promise<void> }[] = [];
    try {
      const watchers: Awaited<ReturnType<typeof textWatcher>>[] = [];
      for (let i = 0; i < 2; i++) {
        const w = await textWatcher(bench.session.url, connectMs);
        opened.push(w);
        watchers.push(w);
      }
      const commander = await connectLegacy(bench.session.url, {
        timeoutMs: connectMs,
        requestTimeoutMs: requestMs,
      });
      opened.push(commander);
      /** Waits (up to observeMs) until every watcher has `n` texts; returns what they have. */
      const heard = async (n: number) => {
        const end = Date.now() + observeMs;
        while (watchers.some((w) => w.texts.length < n) && Date.now() < end)
          await new Promise((r) => setTimeout(r, 5));
        return watchers.map((w) => [...w.texts]);
      };
      expect(await commander.ledOn()).toBe(LEGACY_REPLY_ON);
      const on = await bench.expectLed(led.name, true);
      const afterOn = await heard(1);
      bench.measure({
        name: 'other text clients that got "LED is now ON"',
        expected: watchers.length,
        measured: afterOn.filter((t) => t[0] === LEGACY_REPLY_ON).length,
        ok: afterOn.every((t) => t[0] === LEGACY_REPLY_ON),
      });
      expect(await commander.ledOff()).toBe(LEGACY_REPLY_OFF);
      const off = await bench.expectLed(led.name, false);
      // One copy of each answer per watcher, in order: nothing more, nothing else.
      expect(await heard(2)).toEqual(watchers.map(() => [LEGACY_REPLY_ON, LEGACY_REPLY_OFF]));
      expect([on.ok, off.ok]).toEqual([true, true]);
    } finally {
      for (const o of opened.reverse()) await o.close();
    }
  },
);
