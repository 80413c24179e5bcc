import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceClient } from './client';
import { EXCERPT_CHARS } from './events';
import { connect } from './index';
import { type FakeDevice, startFakeDevice } from './testing/fake-device';
import { nextEvent } from './testing/next-event';

let device: FakeDevice;
let client: DeviceClient;

beforeEach(async () => {
  device = await startFakeDevice({});
  client = await connect(device.url, { heartbeat: false, reconnect: false, maxProtocolErrors: 3 });
});
afterEach(async () => {
  await client.close();
  await device.close();
  vi.useRealTimers();
});

describe('bad input from the device', () => {
  it('malformed JSON: protocol-error with the excerpt, connection kept', async () => {
    const e = nextEvent(client, 'protocol-error');
    device.sendRaw('{"t":"evt", nope');
    expect(await e).toMatchObject({ kind: 'protocol-error', code: 'bad_json', excerpt: '{"t":"evt", nope' });
    expect(client.status).toBe('open');
    expect(await client.ledSet('status', true)).toEqual({ led: 'status', on: true });
  });

  it(`excerpt is the first ${EXCERPT_CHARS} chars`, async () => {
    const e = nextEvent(client, 'protocol-error');
    const junk = `<${'x'.repeat(500)}>`;
    device.sendRaw(junk);
    expect((await e).excerpt).toBe(junk.slice(0, EXCERPT_CHARS));
  });

  it('unknown message kind and unknown event are reported, not applied', async () => {
    const errs: string[] = [];
    client.on('protocol-error', (e) => errs.push(e.code));
    device.sendRaw('{"t":"weird"}');
    device.sendRaw('{"t":"evt","seq":1,"ev":"teleport"}');
    device.sendRaw('[1,2]');
    const b = nextEvent(client, 'button');
    device.press('boot', true);
    await b;
    expect(errs).toEqual(['bad_request', 'bad_request', 'bad_json']);
  });

  it('binary frames are reported', async () => {
    const e = nextEvent(client, 'protocol-error');
    device.sendRaw(Buffer.from('{"t":"evt"}'), true);
    expect((await e).message).toMatch(/binary/);
  });

  it('an error response without id is surfaced as protocol-error with the device code', async () => {
    const e = nextEvent(client, 'protocol-error');
    device.sendRaw('{"t":"res","id":null,"ok":false,"error":{"code":"too_large","msg":"frame too large"}}');
    expect(await e).toMatchObject({ code: 'too_large', message: expect.stringMatching(/frame too large/) });
  });

  it('drops the connection after more than maxProtocolErrors bad messages in a row', async () => {
    const errs: unknown[] = [];
    client.on('protocol-error', (e) => errs.push(e));
    const disconnected = nextEvent(client, 'disconnected');
    for (let i = 0; i < 4; i++) device.sendRaw(`junk ${i}`);
    expect((await disconnected).code).toBe(1002);
    expect(errs).toHaveLength(4);
  });

  it('valid messages in between reset the count', async () => {
    const drops: unknown[] = [];
    client.on('disconnected', (d) => drops.push(d));
    for (let i = 0; i < 3; i++) {
      device.sendRaw('junk');
      device.sendRaw('junk');
      const b = nextEvent(client, 'button');
      device.press('boot', i % 2 === 0);
      await b;
    }
    expect(drops).toEqual([]);
  });

  it('oversize messages (> maxPayload) are reported as too_large; ws closes with 1009', async () => {
    await client.close();
    await vi.waitUntil(() => device.closeCodes.length === 1, { interval: 0 });
    client = await connect(device.url, { heartbeat: false, reconnect: false, maxPayload: 1024 });
    const e = nextEvent(client, 'protocol-error');
    const d = nextEvent(client, 'disconnected');
    device.sendRaw(JSON.stringify({ t: 'evt', seq: 1, ev: 'log', level: 'info', msg: 'x'.repeat(2000) }));
    expect((await e).code).toBe('too_large');
    expect((await d).code).toBe(1009);
    await vi.waitUntil(() => device.closeCodes.length === 2, { interval: 0 });
    expect(device.closeCodes).toEqual([1000, 1009]);
  });

  it('a late response to a timed-out request is ignored quietly', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    device.silent = true;
    const p = expect(client.info({ timeoutMs: 1000 })).rejects.toMatchObject({ code: 'timeout', op: 'info' });
    await vi.advanceTimersByTimeAsync(1000);
    await p;
    const errs: unknown[] = [];
    client.on('protocol-error', (e) => errs.push(e));
    device.silent = false;
    const id = JSON.parse(device.received.at(-1)!).id;
    device.sendRaw(JSON.stringify({ t: 'res', id, ok: true, result: { uptimeMs: 1 } }));
    device.sendRaw(JSON.stringify({ t: 'res', id: 9999, ok: true, result: {} }));
    const e = await nextEvent(client, 'protocol-error');
    expect(e.code).toBe('unknown_id');
    expect(e.message).toMatch(/9999/);
    expect(errs).toHaveLength(1);
  });
});
