// The built browser entry in real Chromium (native WebSocket, no ws): handshake, ops, events and mirror,
// app-level ping heartbeat, Origin refusal, failures without HTTP details, legacy text.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as Browser from './browser';
import type { DeviceClient } from './client';
import type { ClientEvent } from './events';
import { type BrowserPage, openBrowserPage } from './testing/browser-page';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';
import { startRawServer } from './testing/raw-server';

interface Win {
  esphil: typeof Browser;
  c?: DeviceClient;
  events: ClientEvent[];
  waiting?: Promise<ClientEvent>;
}

let bp: BrowserPage;
const devices: FakeDevice[] = [];
beforeAll(async () => {
  bp = await openBrowserPage();
});
afterAll(async () => {
  await bp?.close();
});
afterEach(async () => {
  await bp.page.evaluate(async () => {
    const w = window as unknown as Win;
    await w.c?.close();
    w.c = undefined;
  });
  for (const d of devices.splice(0)) await d.close();
});
async function device(opts: Parameters<typeof startFakeDevice>[0] = {}): Promise<FakeDevice> {
  const d = await startFakeDevice(opts);
  devices.push(d);
  return d;
}

/** Connects in the page; resolves with the error code or null. */
function connectInPage(
  url: string,
  opts: Record<string, unknown>,
): Promise<{ code: string | null; hint?: string }> {
  return bp.page.evaluate(
    async ([u, o]) => {
      const w = window as unknown as Win;
      w.events = [];
      try {
        w.c = await w.esphil.connect(u as string, o as Browser.ClientOptions);
        w.c.onAll((e) => w.events.push(e));
        return { code: null };
      } catch (e) {
        const err = e as { code: string; hint?: string };
        return { code: err.code, hint: err.hint };
      }
    },
    [url, opts] as const,
  );
}

/** Arms a wait in the page for the next event of `kind`. */
function armEvent(kind: string): Promise<void> {
  return bp.page.evaluate((k) => {
    const w = window as unknown as Win;
    w.waiting = new Promise((resolve) => {
      const off = w.c!.onAll((e) => {
        if (e.kind === k) {
          off();
          resolve(e);
        }
      });
    });
  }, kind);
}
function awaitEvent(): Promise<ClientEvent> {
  return bp.page.evaluate(() => (window as unknown as Win).waiting!);
}

describe('browser entry in Chromium', () => {
  it('connects with the native WebSocket, runs ops and mirrors events', async () => {
    const d = await device({ token: 'tok' });
    expect(await connectInPage(d.url, { token: 'tok', reconnect: false })).toEqual({ code: null });
    // the page's Origin reached the device
    expect([...d.conns][0]!.origin).toBe(bp.origin);
    const r = await bp.page.evaluate(async () => {
      const c = (window as unknown as Win).c!;
      return {
        boot: c.hello.boot,
        led: await c.ledSet('status', true),
        pwm: await c.pwmSet('fan', { raw: 9 }),
        info: (await c.info()).fw,
        mirror: c.state.leds.status,
      };
    });
    expect(r).toEqual({
      boot: 'boot-1',
      led: { led: 'status', on: true },
      pwm: { ch: 'fan', freq: 5000, bits: 8, duty: 9 },
      info: 'fake-1.0.0',
      mirror: true,
    });
    await armEvent('button');
    d.press('boot', true);
    expect(await awaitEvent()).toMatchObject({ kind: 'button', button: 'boot', pressed: true });
    expect(await bp.page.evaluate(() => (window as unknown as Win).c!.state.buttons.boot)).toBe(true);
  });

  it('heartbeat uses the ping op and drops a silent device', async () => {
    const d = await device({});
    await connectInPage(d.url, { heartbeat: { intervalMs: 100, timeoutMs: 100 }, reconnect: false });
    await armEvent('disconnected');
    d.silent = true;
    const e = await awaitEvent();
    expect(e).toMatchObject({ kind: 'disconnected' });
    expect((e as { reason: string }).reason).toMatch(/heartbeat/);
    expect(d.received.some((f) => JSON.parse(f).op === 'ping')).toBe(true);
  });

  it('a refused Origin is unauthorized', async () => {
    const d = await device({ origin: 'http://somewhere.else' });
    expect((await connectInPage(d.url, { reconnect: false, heartbeat: false })).code).toBe('unauthorized');
  });

  it('a handshake the browser cannot explain is connect_failed with the hint', async () => {
    const s = await startRawServer(null);
    try {
      const r = await connectInPage(s.url, { reconnect: false, heartbeat: false });
      expect(r.code).toBe('connect_failed');
      expect(r.hint).toMatch(/5 clients/);
    } finally {
      await s.close();
    }
  });

  it('legacy text mode', async () => {
    const d = await device({ legacyOnly: true });
    const replies = await bp.page.evaluate(async (url) => {
      const l = await (window as unknown as Win).esphil.connectLegacy(url);
      const out = [await l.ledOn(), await l.ledOff()];
      await l.close();
      return out;
    }, d.url);
    expect(replies).toEqual(['LED is now ON', 'LED is now OFF']);
  });
});
