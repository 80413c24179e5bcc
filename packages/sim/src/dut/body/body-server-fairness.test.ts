// BodyServer takes each connection's frames in turn (the library reads at most one frame per client per loop pass,
// shared/reference/arduinowebsockets-facts.md §5.1) and stops reading a flooding socket at its bound: one client's
// flood cannot hold back another client's handshake. Counted in body calls, never in time.
import { starterConfig } from '@esphil/device-model';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openClient, type TestClient } from '../../testing/ws-client';
import type { DeviceBody } from './body';
import { BodyServer } from './body-server';
import { TsDeviceBody } from './ts-body';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

/** The TS body with its first text call held until release(), counting text calls and noting the one at connect. */
function gatedBody() {
  const inner = new TsDeviceBody();
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let heldResolve!: () => void;
  const held = new Promise<void>((r) => {
    heldResolve = r;
  });
  const counts = { text: 0, textsBeforeSecondConnect: -1 };
  const body: DeviceBody = {
    boot: (o) => inner.boot(o),
    async connect(slot, url, headers, address, nowMs) {
      if (slot === 1 && counts.textsBeforeSecondConnect < 0) counts.textsBeforeSecondConnect = counts.text;
      return inner.connect(slot, url, headers, address, nowMs);
    },
    async text(slot, data, nowMs) {
      counts.text += 1;
      if (counts.text === 1) {
        heldResolve();
        await gate;
      }
      return inner.text(slot, data, nowMs);
    },
    binary: (s, n) => inner.binary(s, n),
    fragment: (s, n) => inner.fragment(s, n),
    disconnect: (s, n) => inner.disconnect(s, n),
    serial: (d, n) => inner.serial(d, n),
    tick: (n) => inner.tick(n),
    pin: (p, l) => inner.pin(p, l),
    adc: (p, r) => inner.adc(p, r),
    close: () => inner.close(),
  };
  return { body, counts, held, release };
}

describe('BodyServer: connections take turns', () => {
  it("one client's flood pauses its socket and delays another client's hello by at most one frame", async () => {
    const g = gatedBody();
    const s = new BodyServer({ body: g.body, heartbeat: false, tickMs: 0 });
    open.push(s);
    await s.listen();
    const net = { ssid: 'lab', password: 'pw-pw-pw', rssi: -50 };
    await s.boot({
      config: starterConfig('esp32-doit-devkit-v1'),
      fw: '0.1.0',
      chipId: 'a1b2c3',
      bootId: '00c0ffee',
      network: net,
      stored: { ssid: net.ssid, password: net.password },
      ip: '127.0.0.1',
    });
    const a: TestClient = await openClient(s.url);
    open.push(a);
    const N = 2000;
    for (let i = 0; i < N; i++) a.ws.send(JSON.stringify({ id: 10_000 + i, op: 'state.get' }));
    await g.held;
    // A's calls pile up behind the held one; at the bound the server stops reading A's socket.
    await vi.waitFor(() => expect(s.queuedFrames(0)).toBeGreaterThanOrEqual(s.maxQueuedFrames));
    expect(s.transport.connection(0)?.ws.isPaused).toBe(true);
    const bPromise = openClient(s.url);
    // B's handshake is waiting for its turn (its CONNECTED is queued) before A's held frame goes on.
    await vi.waitFor(() => expect(s.queuedFrames(1)).toBe(1));
    g.release();
    const b = await bPromise;
    open.push(b);
    expect(b.frames[0]!.t).toBe('hello');
    // B's CONNECTED ran after A's held frame and at most one more of A's: its turn came next.
    expect(g.counts.textsBeforeSecondConnect).toBeGreaterThanOrEqual(1);
    expect(g.counts.textsBeforeSecondConnect).toBeLessThanOrEqual(2);
    // Nothing of A's flood is lost: every request is answered, in order, once reading resumed.
    await vi.waitFor(() => expect(a.frames.filter((f) => f.t === 'res').length).toBe(N), {
      timeout: 30_000,
      interval: 50,
    });
    const ids = a.frames.filter((f) => f.t === 'res').map((f) => f.id);
    expect(ids).toEqual(Array.from({ length: N }, (_, i) => 10_000 + i));
  }, 60_000);
});
