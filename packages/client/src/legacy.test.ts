import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectLegacy } from './index';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';

let device: FakeDevice;
beforeEach(async () => {
  device = await startFakeDevice({ legacyOnly: true });
});
afterEach(async () => {
  await device.close();
  vi.useRealTimers();
});

describe('legacy text mode', () => {
  it('LED ON / LED OFF get the tutorial replies and switch the LED', async () => {
    const c = await connectLegacy(device.url);
    expect(await c.ledOn()).toBe('LED is now ON');
    expect(device.state.leds.status).toBe(true);
    expect(await c.ledOff()).toBe('LED is now OFF');
    expect(device.state.leds.status).toBe(false);
    expect(device.received).toEqual(['LED ON', 'LED OFF']);
    await c.close();
    await expect(c.ledOn()).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('replies are matched in order for pipelined commands', async () => {
    const c = await connectLegacy(device.url);
    const results = await Promise.all([c.ledOn(), c.ledOff(), c.ledOn()]);
    expect(results).toEqual(['LED is now ON', 'LED is now OFF', 'LED is now ON']);
    await c.close();
  });

  it('works against an esphil device that understands legacy text too', async () => {
    const d2 = await startFakeDevice({ legacyText: true });
    const texts: string[] = [];
    const c = await connectLegacy(d2.url, { onText: (t) => texts.push(t) });
    expect(await c.ledOn()).toBe('LED is now ON');
    expect(JSON.parse(texts[0]!).t).toBe('hello');
    await c.close();
    await d2.close();
  });

  it('times out when no reply comes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const c = await connectLegacy(device.url, { requestTimeoutMs: 300 });
    device.silent = true;
    const p = expect(c.ledOn()).rejects.toMatchObject({ code: 'timeout' });
    await vi.advanceTimersByTimeAsync(300);
    await p;
    await c.close();
  });

  it('pending commands fail when the connection drops', async () => {
    const c = await connectLegacy(device.url);
    device.silent = true;
    const p = expect(c.ledOn()).rejects.toMatchObject({ code: 'disconnected' });
    device.dropAll();
    await p;
  });
});
