import { describe, expect, it } from 'vitest';
import { starterConfig } from '../config/starter';
import type { DeviceAction } from './actions';
import { ConnectionDevice } from './device';

const TOKEN = 'connection-test-token-01';
const enc = new TextEncoder();

function device(websocket: Record<string, unknown> = {}): ConnectionDevice {
  const base = starterConfig('esp32-doit-devkit-v1');
  const config = { ...base, websocket: { ...base.websocket, ...websocket } };
  return new ConnectionDevice({
    config,
    fw: '0.1.0',
    chipId: 'A1B2C3',
    bootId: '5f2c9e1a',
    nowMs: 1000,
    network: null,
    stored: null,
    ip: '0.0.0.0',
  });
}
const sent = (acts: DeviceAction[]): unknown[] =>
  acts.flatMap((a) => (a.a === 'send' ? [a.text.startsWith('{') ? JSON.parse(a.text) : a.text] : []));

describe('ConnectionDevice (the firmware Device at the connection level)', () => {
  it('hello with the identity from chip id and boot id; events numbered per connection', () => {
    const d = device();
    expect(d.identity).toMatchObject({ device: 'esphil-a1b2c3', boot: '5f2c9e1a' });
    expect(sent(d.connect(0, '/?esphil', '10.0.0.1'))).toMatchObject([{ t: 'hello', seq: 0 }]);
    d.connect(1, '/?x&esphil', '10.0.0.1');
    const acts = d.text(0, enc.encode('{"id":1,"op":"led.set","led":"status","on":true}'));
    expect(acts).toContainEqual({ a: 'pin', pin: 2, level: 1 });
    expect(sent(acts)).toMatchObject([
      { t: 'res', id: 1, ok: true },
      { ev: 'led', seq: 1 },
      { ev: 'led', seq: 1 },
    ]);
  });

  it('legacy mode (PROTOCOL.md 9): an unmarked connection gets only text until its first JSON object', () => {
    const d = device();
    expect(sent(d.connect(0, '/', ''))).toEqual([]);
    d.connect(1, '/?esphil', '');
    // Its answer is text; the JSON client sees the change as an event.
    expect(sent(d.text(0, enc.encode('LED ON')))).toEqual([
      'LED is now ON',
      expect.objectContaining({ ev: 'led', on: true, by: 'legacy:0' }),
    ]);
    // Another client's change reaches it as the tutorial's broadcast; other text and binary are ignored and counted.
    expect(sent(d.text(1, enc.encode('{"id":1,"op":"led.set","led":"status","on":false}')))).toContainEqual(
      'LED is now OFF',
    );
    expect(sent(d.text(0, enc.encode('hello?')))).toEqual([]);
    expect(sent(d.binary(0))).toEqual([]);
    expect(d.ignoredLegacyFrames).toBe(2);
    // A JSON object switches it for good: hello first, then the answer.
    expect(sent(d.text(0, enc.encode('{"id":2,"op":"ping"}')))).toMatchObject([
      { t: 'hello' },
      { t: 'res', id: 2 },
    ]);
  });

  it('closes a path other than websocket.path and a slot over maxClients', () => {
    const d = device({ path: '/ws', maxClients: 2 });
    expect(d.connect(0, '/', '')).toEqual([{ a: 'close', slot: 0, code: 1000 }]);
    expect(d.connect(2, '/ws', '')).toEqual([{ a: 'close', slot: 2, code: 1000 }]);
    expect(sent(d.connect(1, '/ws?esphil', ''))).toMatchObject([{ t: 'hello' }]);
    expect(d.connectedClients).toBe(1);
  });

  it('the token gate: unauthorized before auth, hello after, deadline closes', () => {
    const d = device({ authToken: TOKEN, authDeadlineMs: 500 });
    expect(sent(d.connect(0, '/?esphil', 'a'))).toMatchObject([{ t: 'auth_required', deadlineMs: 500 }]);
    expect(sent(d.text(0, enc.encode('{"id":5,"op":"ping"}')))).toMatchObject([
      { id: 5, error: { code: 'unauthorized' } },
    ]);
    expect(sent(d.binary(0))).toMatchObject([{ id: null, error: { code: 'unauthorized' } }]);
    expect(sent(d.text(0, enc.encode(`{"id":6,"op":"auth","token":"${TOKEN}"}`)))).toMatchObject([
      { id: 6, ok: true },
      { t: 'hello' },
    ]);
    d.connect(1, '/?esphil', 'b');
    d.advanceTo(1499);
    expect(d.tick()).toEqual([]);
    d.advanceTo(1500);
    expect(d.tick()).toEqual([
      {
        a: 'send',
        slot: 1,
        text: '{"t":"res","id":null,"ok":false,"error":{"code":"unauthorized","msg":"auth deadline passed"}}',
      },
      { a: 'close', slot: 1, code: 1000 },
    ]);
  });

  it('a wrong token past the free ones is held, then sent with the close from tick()', () => {
    const d = device({ authToken: TOKEN });
    const wrong = enc.encode('{"id":1,"op":"auth","token":"wrong-token-wrong-token"}');
    for (let i = 0; i < 3; i++) {
      d.connect(0, '/?esphil', 'x');
      expect(d.text(0, wrong).map((a) => a.a)).toEqual(['send', 'close']);
    }
    d.connect(0, '/?esphil', 'x');
    expect(d.text(0, wrong)).toEqual([]);
    expect(d.text(0, enc.encode('{"id":2,"op":"ping"}'))).toEqual([]);
    d.advanceTo(1999);
    expect(d.tick()).toEqual([]);
    d.advanceTo(2000);
    expect(d.tick().map((a) => a.a)).toEqual(['send', 'close']);
  });

  it('reboot: the response, then at +100 ms close 1000 to every client and restart', () => {
    const d = device();
    d.connect(0, '/?esphil', '');
    d.connect(3, '/?esphil', '');
    expect(sent(d.text(0, enc.encode('{"id":1,"op":"reboot"}')))).toMatchObject([{ ok: true }]);
    d.advanceTo(1100);
    expect(d.tick()).toEqual([
      { a: 'close', slot: 0, code: 1000 },
      { a: 'close', slot: 3, code: 1000 },
      { a: 'restart' },
    ]);
    expect(d.isRestarted).toBe(true);
  });
});
