// The `esphil` query parameter (PROTOCOL.md 2): every esphil connection carries it, through both transports, so the
// device sends hello at once instead of starting a legacy-mode connection; connectLegacy opens the URL as given.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as browser from './browser';
import * as node from './index';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A ws class that records every URL it is asked to open. */
function recording(): { urls: string[]; Ctor: typeof WebSocket } {
  const urls: string[] = [];
  class Rec extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      urls.push(String(args[0]));
      super(...args);
    }
  }
  return { urls, Ctor: Rec as unknown as typeof WebSocket };
}

async function device(): Promise<FakeDevice> {
  const d = await startFakeDevice({});
  cleanup.push(() => d.close());
  return d;
}

const base = { heartbeat: false, reconnect: false } as const;

describe('the esphil URL marker', () => {
  for (const [name, entry] of [
    ['Node', node],
    ['browser', browser],
  ] as const) {
    it(`${name} transport: connect adds ?esphil, keeps a URL that has it, and reports the given URL`, async () => {
      const d = await device();
      const { urls, Ctor } = recording();
      const c = await entry.connect(d.url, { ...base, WebSocket: Ctor });
      cleanup.push(() => c.close());
      expect(urls).toEqual([`${d.url}?esphil`]);
      expect(c.url).toBe(d.url);
      const again = await entry.connect(`${d.url}?room=1&esphil=1`, { ...base, WebSocket: Ctor });
      cleanup.push(() => again.close());
      expect(urls[1]).toBe(`${d.url}?room=1&esphil=1`);
    });

    it(`${name} transport: connectLegacy opens the URL as given`, async () => {
      const d = await device();
      const { urls, Ctor } = recording();
      const l = await entry.connectLegacy(d.url, { WebSocket: Ctor });
      cleanup.push(() => l.close());
      expect(urls).toEqual([d.url]);
    });
  }
});
