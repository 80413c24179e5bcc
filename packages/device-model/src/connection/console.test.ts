import { decodeImprovPacket, encodeImprovPacket, type ImprovPacket } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { starterConfig } from '../config/starter';
import type { BodyBootOptions, DeviceAction } from './actions';
import { MAX_SERIAL_LINE_BYTES } from './console';
import { ConnectionDevice } from './device';
import { WIFI_CONNECT_TIMEOUT_MS, WifiLink, WifiRadio } from './wifi';

const NET = { ssid: 'lab', password: 'secret', rssi: -55 };
const enc = new TextEncoder();

function device(over: Partial<BodyBootOptions> = {}, config: Record<string, unknown> = {}): ConnectionDevice {
  return new ConnectionDevice({
    config: { ...starterConfig('esp32-doit-devkit-v1'), ...config },
    fw: '0.1.0',
    chipId: 'a1b2c3',
    bootId: '5f2c9e1a',
    nowMs: 1000,
    network: NET,
    stored: null,
    ip: '192.168.1.42',
    ...over,
  });
}

/** The console's writes, one string per action, a char per byte. */
const serial = (acts: DeviceAction[]): string[] =>
  acts.flatMap((a) => (a.a === 'serial' ? [Buffer.from(a.data).toString('latin1')] : []));
/** Machine lines parsed, everything else left out. */
const lines = (acts: DeviceAction[]): unknown[] =>
  serial(acts).flatMap((s) => (s.startsWith('@esphil ') ? [JSON.parse(s.slice(8, -2))] : []));
/** Improv packets decoded (the trailing "\n" checked and cut). */
const improv = (acts: DeviceAction[]): ImprovPacket[] =>
  acts.flatMap((a) => {
    if (a.a !== 'serial' || a.data[0] !== 0x49) return [];
    expect(a.data[a.data.length - 1]).toBe(0x0a);
    const r = decodeImprovPacket(a.data.subarray(0, -1));
    if (!r.ok) throw new Error(r.error.message);
    return [r.packet];
  });
const rpc = (p: ImprovPacket): Uint8Array => encodeImprovPacket(p);

describe('the console (device.cpp begin, pollWifi, serialLine, handleImprov)', () => {
  it('boots joined: boot line with the reset reason, wifi connecting, then connected and ready at the first loop pass', () => {
    const d = device({ stored: { ssid: 'lab', password: 'secret' }, resetReason: 'sw' });
    const boot = d.boot();
    expect(serial(boot)).toEqual([
      '@esphil {"t":"boot","fw":"0.1.0","board":"esp32-doit-devkit-v1","device":"esphil-a1b2c3","boot":"5f2c9e1a","reason":"sw"}\r\n',
      '@esphil {"t":"wifi","status":"connecting","ssid":"lab"}\r\n',
    ]);
    expect(serial(d.tick())).toEqual([
      '@esphil {"t":"wifi","status":"connected","ssid":"lab","ip":"192.168.1.42"}\r\n',
      '@esphil {"t":"ready","ip":"192.168.1.42","port":81,"path":"/","url":"ws://192.168.1.42:81/","proto":1}\r\n',
    ]);
    expect(serial(d.tick())).toEqual([]);
  });

  it('boots unprovisioned: ready with nulls at once; stored credentials that do not join report failed, then ready without an address', () => {
    expect(lines(device().boot())).toEqual([
      expect.objectContaining({ t: 'boot', reason: 'poweron' }),
      { t: 'wifi', status: 'unprovisioned' },
      { t: 'ready', ip: null, port: 81, path: '/', url: null, proto: 1 },
    ]);
    const off = device({ network: null, stored: { ssid: 'lab', password: 'secret' } });
    off.boot();
    expect(lines(off.tick())).toEqual([
      { t: 'wifi', status: 'failed', ssid: 'lab' },
      { t: 'ready', ip: null, port: 81, path: '/', url: null, proto: 1 },
    ]);
    expect(lines(off.tick())).toEqual([]);
    // WiFi off in the config: the stored credentials are not used.
    const noWifi = device({ stored: { ssid: 'lab', password: 'secret' } }, { wifi: false });
    expect(lines(noWifi.boot()).slice(1)).toEqual([
      { t: 'wifi', status: 'unprovisioned' },
      expect.objectContaining({ t: 'ready', ip: null }),
    ]);
  });

  it('answers prefixed lines (CR, LF or CRLF, noise before the prefix, split across writes) with origin serial', () => {
    const d = device();
    d.boot();
    const acts = [
      ...d.serial(enc.encode('\x00\xff garbage\r\n{"id":5,"op":"ping"}\n@esphil {"id":1,"op":"led.set",')),
      ...d.serial(enc.encode('"led":"status","on":true}\r\x1b@esphil {"id":2,"op":"ping"}\n')),
    ];
    expect(lines(acts)).toEqual([
      { t: 'res', id: 1, ok: true, result: { led: 'status', on: true } },
      { t: 'evt', seq: 1, ev: 'led', led: 'status', on: true, by: 'serial' },
      { t: 'res', id: 2, ok: true, result: { uptimeMs: 0 } },
    ]);
    expect(acts).toContainEqual({ a: 'pin', pin: 2, level: 1 });
    expect(
      lines(d.serial(enc.encode('@esphil {"id":3,"op":"sensor.subscribe","sensor":"light","hz":1}\n'))),
    ).toEqual([{ t: 'res', id: 3, ok: false, error: { code: 'bad_param', msg: expect.any(String) } }]);
  });

  it('mirrors events with its own seq and writes logs as plain text first', () => {
    const d = device(
      {},
      { websocket: { ...starterConfig('esp32-doit-devkit-v1').websocket, allowedOrigins: ['http://ok'] } },
    );
    d.boot();
    d.connect(0, '/?esphil', '10.0.0.1');
    d.text(0, enc.encode('{"id":1,"op":"led.toggle","led":"status"}'));
    expect(d.validateHeader('Origin', 'http://evil')).toBe(false);
    const acts = d.tick();
    expect(serial(acts)[0]).toBe(
      '[warn] refused a WebSocket client: Origin not in websocket.allowedOrigins\r\n',
    );
    expect(lines(acts)).toEqual([
      { t: 'evt', seq: 2, ev: 'log', level: 'warn', msg: expect.stringMatching(/^refused/) },
    ]);
  });

  it('drops an overlong line whole and reports it once, as too_large, at its end', () => {
    const d = device();
    d.boot();
    const long = `@esphil {"id":1,"op":"ping","pad":"${'x'.repeat(MAX_SERIAL_LINE_BYTES)}"}`;
    const acts = d.serial(enc.encode(`${long}\r\n@esphil {"id":2,"op":"ping"}\n`));
    expect(lines(acts)).toEqual([
      {
        t: 'res',
        id: null,
        ok: false,
        error: { code: 'too_large', msg: expect.stringContaining(`${MAX_SERIAL_LINE_BYTES}`) },
      },
      { t: 'res', id: 2, ok: true, result: { uptimeMs: 0 } },
    ]);
    expect(d.consoleCounters.overlongLines).toBe(1);
    // A line of exactly the limit is still read.
    const exact = `@esphil {"id":3,"op":"ping","pad":"${'x'.repeat(MAX_SERIAL_LINE_BYTES - 37)}"}`;
    expect(exact.length).toBe(MAX_SERIAL_LINE_BYTES);
    expect(lines(d.serial(enc.encode(`${exact}\n`)))).toMatchObject([{ id: 3, ok: true }]);
  });

  it('Improv: ack first, then state, info (chip by board), the empty network list; unknown and bad ones refused', () => {
    const d = device({}, { board: 'esp32-s3-devkitc-1', leds: [], pwm: [], buttons: [], sensors: [] });
    d.boot();
    const ask = (p: ImprovPacket) => improv(d.serial(rpc(p)));
    expect(ask({ type: 'rpc_command', rpc: { command: 'get_state' } })).toEqual([
      { type: 'error_state', error: 'none' },
      { type: 'current_state', state: 'ready' },
    ]);
    expect(ask({ type: 'rpc_command', rpc: { command: 'get_info' } })[1]).toEqual({
      type: 'rpc_result',
      command: 'get_info',
      strings: ['esphil', '0.1.0', 'ESP32-S3', 'esphil-a1b2c3'],
    });
    expect(ask({ type: 'rpc_command', rpc: { command: 'get_networks' } })[1]).toEqual({
      type: 'rpc_result',
      command: 'get_networks',
      strings: [],
    });
    expect(ask({ type: 'rpc_command', rpc: { command: 'other', code: 9, data: new Uint8Array() } })).toEqual([
      { type: 'error_state', error: 'unknown_rpc' },
    ]);
    expect(ask({ type: 'rpc_command', rpc: { command: 'wifi_settings', ssid: '', password: 'x' } })).toEqual([
      { type: 'error_state', error: 'invalid_rpc' },
    ]);
    const bad = rpc({ type: 'rpc_command', rpc: { command: 'get_state' } });
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    expect(improv(d.serial(bad))).toEqual([{ type: 'error_state', error: 'invalid_rpc' }]);
    expect(d.consoleCounters.badImprov).toBe(1);
    // A device packet echoed back is ignored.
    expect(d.serial(rpc({ type: 'current_state', state: 'ready' }))).toEqual([]);
  });

  it('Improv provisioning: joined at the next pass, credentials stored, provisioned with the URL, then ready', () => {
    const d = device();
    d.boot();
    const set = d.serial(
      rpc({ type: 'rpc_command', rpc: { command: 'wifi_settings', ssid: 'lab', password: 'secret' } }),
    );
    expect(improv(set)).toEqual([
      { type: 'error_state', error: 'none' },
      { type: 'current_state', state: 'provisioning' },
    ]);
    const pass = d.tick();
    expect(pass.filter((a) => a.a === 'store-wifi')).toEqual([
      { a: 'store-wifi', ssid: 'lab', password: 'secret' },
    ]);
    expect(lines(pass)).toEqual([
      { t: 'wifi', status: 'connected', ssid: 'lab', ip: '192.168.1.42' },
      expect.objectContaining({ t: 'ready', url: 'ws://192.168.1.42:81/' }),
    ]);
    expect(improv(pass)).toEqual([
      { type: 'current_state', state: 'provisioned' },
      { type: 'rpc_result', command: 'wifi_settings', strings: ['ws://192.168.1.42:81/'] },
    ]);
    // Order: wifi line, store, provisioned, URL, ready.
    expect(pass.map((a) => a.a)).toEqual(['serial', 'store-wifi', 'serial', 'serial', 'serial']);
    expect(improv(d.serial(rpc({ type: 'rpc_command', rpc: { command: 'get_state' } })))).toEqual([
      { type: 'error_state', error: 'none' },
      { type: 'current_state', state: 'provisioned' },
      { type: 'rpc_result', command: 'get_state', strings: ['ws://192.168.1.42:81/'] },
    ]);
  });

  it('Improv with wrong credentials: failed, unable_to_connect, back to ready; no store', () => {
    const d = device();
    d.boot();
    d.serial(rpc({ type: 'rpc_command', rpc: { command: 'wifi_settings', ssid: 'lab', password: 'nope' } }));
    const pass = d.tick();
    expect(lines(pass)).toEqual([{ t: 'wifi', status: 'failed', ssid: 'lab' }]);
    expect(improv(pass)).toEqual([
      { type: 'error_state', error: 'unable_to_connect' },
      { type: 'current_state', state: 'ready' },
    ]);
    expect(pass.some((a) => a.a === 'store-wifi')).toBe(false);
  });

  it('an Improv packet in the middle of a line is handled and the line goes on around it', () => {
    const d = device();
    d.boot();
    const pkt = rpc({ type: 'rpc_command', rpc: { command: 'get_state' } });
    const acts = d.serial(Buffer.concat([enc.encode('@esphil {"id":4,'), pkt, enc.encode('"op":"ping"}\n')]));
    expect(improv(acts)).toHaveLength(2);
    expect(lines(acts)).toEqual([{ t: 'res', id: 4, ok: true, result: { uptimeMs: 0 } }]);
    // "IMPROV" in a string is text, not a packet start.
    const text = d.serial(enc.encode('@esphil {"id":5,"op":"led.set","led":"IMPROVE","on":true}\n'));
    expect(lines(text)).toMatchObject([{ id: 5, ok: false, error: { code: 'bad_param' } }]);
  });

  it(`an Improv join still connecting after ${WIFI_CONNECT_TIMEOUT_MS} ms is reported failed`, () => {
    const radio = new WifiRadio(NET, '10.0.0.9');
    const link = new WifiLink(radio);
    link.joinImprov('lab', 'secret', 0);
    // The host model joins at once; a radio still trying is what the timeout is for.
    Object.defineProperty(radio, 'status', { get: () => 'connecting' });
    expect(link.poll(WIFI_CONNECT_TIMEOUT_MS)).toBeNull();
    expect(link.poll(WIFI_CONNECT_TIMEOUT_MS + 1)).toBe('failed');
  });
});
