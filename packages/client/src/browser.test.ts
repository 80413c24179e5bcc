// The browser entry, driven in Node through ws's WHATWG-style WebSocket class (the same API a browser has).
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, connectLegacy } from './browser';
import { DeviceClientError } from './errors';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';
import { nextEvent } from './testing/next-event';
import { startRawServer } from './testing/raw-server';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});
async function device(opts: Parameters<typeof startFakeDevice>[0] = {}): Promise<FakeDevice> {
  const d = await startFakeDevice(opts);
  cleanup.push(() => d.close());
  return d;
}
const base = { WebSocket, heartbeat: false, reconnect: false } as const;

describe('browser entry', () => {
  it('connects, requests and mirrors events with the same API', async () => {
    const d = await device({ token: 't' });
    const c = await connect(d.url, { ...base, token: 't' });
    cleanup.push(() => c.close());
    expect(c.hello.device).toBe('fake');
    expect(await c.ledToggle('status')).toEqual({ led: 'status', on: true });
    const e = nextEvent(c, 'button');
    d.press('boot', true);
    await e;
    expect(c.state.buttons.boot).toBe(true);
  });

  it('handshake failures are connect_failed with a hint (browsers hide the HTTP status)', async () => {
    const s = await startRawServer('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
    cleanup.push(() => s.close());
    const err = await connect(s.url, base).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeviceClientError);
    expect(err).toMatchObject({ code: 'connect_failed' });
    expect((err as DeviceClientError).hint).toMatch(/5 clients/);
  });

  it('oversize messages are reported and the connection is kept (no parser limit in browsers)', async () => {
    const d = await device({});
    const c = await connect(d.url, { ...base, maxPayload: 1024 });
    cleanup.push(() => c.close());
    const e = nextEvent(c, 'protocol-error');
    d.sendRaw(JSON.stringify({ t: 'evt', seq: 1, ev: 'log', level: 'info', msg: 'x'.repeat(2000) }));
    expect(await e).toMatchObject({ code: 'too_large', excerpt: expect.stringMatching(/^\{"t":"evt"/) });
    expect(c.status).toBe('open');
    expect((await c.ping()).uptimeMs).toBe(0);
  });

  it('legacy text mode', async () => {
    const d = await device({ legacyOnly: true });
    const l = await connectLegacy(d.url, { WebSocket });
    expect(await l.ledOn()).toBe('LED is now ON');
    await l.close();
  });
});
