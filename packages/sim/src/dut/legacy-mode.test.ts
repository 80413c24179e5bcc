// Legacy-mode connections on the simulated board (PROTOCOL.md 2.5, 9), for causes the connection vectors cannot
// reach (serial), plus the counter of ignored frames. Vectors cover other clients, the switch and auth.
import { afterEach, describe, expect, it } from 'vitest';
import { type SimBench, startSimBench } from '../bench';
import { openClient, type TestClient } from '../testing/ws-client';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function bench(): Promise<SimBench> {
  const b = await startSimBench({ latency: 'zero' });
  open.push(b);
  return b;
}

async function client(url: string, legacy: boolean): Promise<TestClient> {
  const c = await openClient(url, legacy ? { legacy: true, waitFor: 'open' } : {});
  open.push(c);
  return c;
}

describe('legacy-mode connections on the simulated board', () => {
  it('get LED is now ON/OFF when serial changes the first LED, and nothing for ignored frames', async () => {
    const b = await bench();
    const page = await client(b.url, true);
    const json = await client(b.url, false);
    page.send('LED ONE');
    page.ws.send(Buffer.from('LED ON'), { binary: true });
    page.send('[1]');
    page.send('LED ON');
    // Its answer follows the three ignored frames on that connection: they were read, counted, left unanswered.
    expect(await page.next()).toEqual({ text: 'LED is now ON' });
    expect(b.dut.ignoredLegacyFrames).toBe(3);
    b.dut.serialWrite(Buffer.from('@esphil {"id":7,"op":"led.set","led":"status","on":false}\r\n'));
    expect(await page.next()).toEqual({ text: 'LED is now OFF' });
    expect(await json.next((f) => f.ev === 'led' && f.by === 'serial')).toMatchObject({ on: false });
    expect(page.frames).toEqual([{ text: 'LED is now ON' }, { text: 'LED is now OFF' }]);
  });

  it('a page that never sends JSON stays in legacy mode: a PWM change sends it nothing', async () => {
    const b = await bench();
    const page = await client(b.url, true);
    const json = await client(b.url, false);
    await json.request('pwm.set', { ch: 'fan', duty: 0.5 });
    await json.request('led.set', { led: 'status', on: false });
    expect(await page.next()).toEqual({ text: 'LED is now OFF' });
    expect(page.frames).toEqual([{ text: 'LED is now OFF' }]);
  });
});
