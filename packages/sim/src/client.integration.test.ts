// The sim driven by the project's own client (@esphil/client) over loopback: the client's reboot/gap/heartbeat
// detection must work against the sim's reset, event-drop and a hung device loop.
import { connect, type DeviceClient } from '@esphil/client';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimBench, type SimBenchOptions, startSimBench } from './bench';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function bench(opts: SimBenchOptions = {}): Promise<SimBench> {
  const b = await startSimBench({ latency: 'zero', ...opts });
  cleanup.push(() => b.close());
  return b;
}
async function client(url: string, opts: Parameters<typeof connect>[1] = {}): Promise<DeviceClient> {
  const c = await connect(url, {
    heartbeat: false,
    reconnect: { initialDelayMs: 10, maxDelayMs: 100 },
    ...opts,
  });
  cleanup.push(() => c.close());
  return c;
}
function next<T>(c: DeviceClient, kind: Parameters<DeviceClient['on']>[0]): Promise<T> {
  return new Promise((resolve) => {
    const off = c.on(kind, (e) => {
      off();
      resolve(e as T);
    });
  });
}

describe('@esphil/client against the sim', () => {
  it("a refused Origin (the library's 400) is unauthorized with the allowedOrigins hint", async () => {
    const b = await bench({
      config: {
        version: 1,
        board: 'esp32-doit-devkit-v1',
        leds: [{ name: 'status', pin: 2 }],
        websocket: { allowedOrigins: ['http://app.test'] },
      },
    });
    const err = await connect(b.url, { origin: 'http://evil.test', reconnect: false }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'unauthorized', hint: expect.stringMatching(/allowedOrigins/) });
  });

  it('reset: the client reconnects, reports the reboot and resyncs state to the defaults', async () => {
    const b = await bench();
    const c = await client(b.url);
    await c.ledSet('status', true);
    const before = b.dut.bootId;
    const reboot = next<{ previousBoot: string; boot: string }>(c, 'reboot');
    const reconnected = next<{ rebooted: boolean }>(c, 'reconnected');
    await b.dut.reset();
    expect((await reconnected).rebooted).toBe(true);
    expect(await reboot).toMatchObject({ previousBoot: before, boot: b.dut.bootId });
    expect(c.state.leds.status).toBe(false);
  });

  it('event-drop: the client reports sequence gaps', async () => {
    const b = await bench({ faults: ['event-drop:0.5'], seed: 5 });
    const actor = await client(b.url);
    const watcher = await client(b.url);
    const gaps: { expected: number; got: number }[] = [];
    watcher.on('gap', (g) => gaps.push(g as { expected: number; got: number }));
    for (let i = 0; i < 20; i++) await actor.ledToggle('status');
    await watcher.ping();
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((g) => g.got > g.expected)).toBe(true);
  });

  it('heartbeat: a hung device (TCP up, no pongs, no replies) is detected as disconnected', async () => {
    const b = await bench();
    const c = await client(b.url, { heartbeat: { intervalMs: 30, timeoutMs: 30 }, reconnect: false });
    await c.ping();
    const disconnected = next<{ reason?: string }>(c, 'disconnected');
    b.dut.setHung(true);
    expect((await disconnected).reason).toMatch(/heartbeat/);
    b.dut.setHung(false);
  });
});
