// Both device bodies behind the arduinoWebSockets transport, driven by the project's own client: with the native
// body every connection decision (path, hello, auth gate, Origin) is the firmware's code (device.cpp).
import { connect } from '@esphil/client';
import { starterConfig } from '@esphil/device-model';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildNativeForTest } from '../../testing/native-build';
import type { DeviceAction, DeviceBody } from './body';
import { BodyServer } from './body-server';
import { NativeDeviceBody } from './native-body';
import { TsDeviceBody } from './ts-body';

const TOKEN = 'body-server-token-0123';
/** One network in range and its credentials stored: the body joins at boot. */
const SIM_NETWORK = { ssid: 'esphil-sim', password: 'esphil-sim', rssi: -60 };
const BOOT = {
  fw: '0.1.0',
  chipId: 'a1b2c3',
  bootId: '5f2c9e1a',
  network: SIM_NETWORK,
  stored: { ssid: SIM_NETWORK.ssid, password: SIM_NETWORK.password },
  ip: '127.0.0.1',
};
let executable = '';
const open: BodyServer[] = [];

beforeAll(() => {
  executable = buildNativeForTest('sim-body');
}, 600_000);
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const bodies: [string, () => DeviceBody][] = [
  ['ts', () => new TsDeviceBody()],
  ['native', () => new NativeDeviceBody({ executable })],
];

async function serve(body: DeviceBody, websocket: Record<string, unknown> = {}): Promise<BodyServer> {
  const s = new BodyServer({ body, heartbeat: false });
  open.push(s);
  await s.listen();
  const base = starterConfig('esp32-doit-devkit-v1');
  await s.boot({ ...BOOT, config: { ...base, websocket: { ...base.websocket, ...websocket } } });
  return s;
}

/** What a raw client gets: the HTTP status of a refusal, or the close code after open. */
function rawOutcome(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      resolve(`http ${res.statusCode}`);
    });
    ws.on('close', (code) => resolve(`close ${code}`));
    ws.on('error', () => resolve('error'));
  });
}

describe.each(bodies)('BodyServer with the %s body', (_name, make) => {
  it('hello, a request, its event and the pin effect', async () => {
    const s = await serve(make());
    const effects: DeviceAction[] = [];
    s.on('effect', (a) => effects.push(a));
    const c = await connect(s.url, { heartbeat: false, reconnect: false });
    try {
      expect(c.hello.device).toBe('esphil-a1b2c3');
      expect(c.hello.boot).toBe('5f2c9e1a');
      const led = new Promise((resolve) => {
        const off = c.on('led', (e) => {
          off();
          resolve(e);
        });
      });
      await c.ledSet('status', true);
      expect(await led).toMatchObject({ led: 'status', on: true, by: 'ws:0', seq: 1 });
      expect(effects).toContainEqual({ a: 'pin', pin: 2, level: 1 });
    } finally {
      await c.close();
    }
  });

  it('the token gate: the right token gets hello, a wrong one unauthorized', async () => {
    const s = await serve(make(), { authToken: TOKEN });
    const c = await connect(s.url, { heartbeat: false, reconnect: false, token: TOKEN });
    expect(c.hello.t).toBe('hello');
    await c.close();
    await expect(
      connect(s.url, { heartbeat: false, reconnect: false, token: 'wrong-token-wrong-token' }),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it("the path is the body's: another one is closed 1000 right after the 101; a query is ignored", async () => {
    const s = await serve(make(), { path: '/ws' });
    const base = s.url.replace(/\/$/, '');
    expect(await rawOutcome(`${base}/other`)).toBe('close 1000');
    const c = await connect(`${base}/ws?x=1`, { heartbeat: false, reconnect: false });
    expect(c.hello.t).toBe('hello');
    await c.close();
  });

  it("a foreign Origin gets the library's 400 (the body's validator refused it)", async () => {
    const s = await serve(make(), { allowedOrigins: ['http://bench.local:5173'] });
    expect(await rawOutcome(s.url, { Origin: 'http://evil.example' })).toBe('http 400');
    const c = await connect(s.url, { heartbeat: false, reconnect: false });
    await c.close();
  });

  it('reboot: close 1000 to the client, then the restart', async () => {
    const s = await serve(make());
    const restarted = new Promise<void>((resolve) => s.once('restart', resolve));
    const c = await connect(s.url, { heartbeat: false, reconnect: false });
    const closed = new Promise<number>((resolve) => c.on('disconnected', (e) => resolve(e.code)));
    await c.reboot();
    await restarted;
    expect(await closed).toBe(1000);
    await c.close();
  });
});
