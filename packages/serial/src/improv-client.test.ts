import { encodeImprovPacket, type ImprovPacket, SerialFramer } from '@esphil/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SerialConsole } from './console';
import { ImprovClient, ImprovClientError } from './improv-client';
import { openSerialPort } from './open';
import { FakeBinding, type FakePort } from './test/fake-binding';

const SECRET = 'correct horse battery';

interface DeviceScript {
  /** Networks the device can join, ssid -> password. */
  networks: Record<string, string>;
  silent?: boolean;
  noisy?: boolean;
}

/** A device side speaking Improv: it reads packets with the same framer and answers like ESPHome does. */
function improvDevice(script: DeviceScript) {
  const framer = new SerialFramer();
  const received: ImprovPacket[] = [];
  const send = (port: FakePort, p: ImprovPacket) => {
    // Log noise around packets, as on a real console.
    if (script.noisy) port.emit('I (812) improv: handling\r\nwifi:');
    port.emit(encodeImprovPacket(p));
    if (script.noisy) port.emit(' mode STA\r\n');
  };
  const onWrite = (bytes: Uint8Array, port: FakePort) => {
    for (const item of framer.push(bytes)) {
      if (item.kind !== 'improv' || item.packet.type !== 'rpc_command' || script.silent) continue;
      received.push(item.packet);
      const rpc = item.packet.rpc;
      send(port, { type: 'error_state', error: 'none' });
      switch (rpc.command) {
        case 'wifi_settings':
          send(port, { type: 'current_state', state: 'provisioning' });
          if (script.networks[rpc.ssid] === rpc.password) {
            send(port, { type: 'current_state', state: 'provisioned' });
            send(port, { type: 'rpc_result', command: 'wifi_settings', strings: ['http://10.0.0.7:81/'] });
          } else {
            send(port, { type: 'error_state', error: 'unable_to_connect' });
            send(port, { type: 'current_state', state: 'ready' });
          }
          break;
        case 'get_state':
          send(port, { type: 'current_state', state: 'ready' });
          break;
        case 'get_info':
          send(port, {
            type: 'rpc_result',
            command: 'get_info',
            strings: ['esphil', '0.1.0', 'ESP32', 'bench-dut'],
          });
          break;
        case 'get_networks':
          send(port, { type: 'rpc_result', command: 'get_networks', strings: ['lab', '-52', 'YES'] });
          send(port, { type: 'rpc_result', command: 'get_networks', strings: ['guest', '-71', 'NO'] });
          send(port, { type: 'rpc_result', command: 'get_networks', strings: [] });
          break;
        case 'other':
          send(port, { type: 'error_state', error: 'unknown_rpc' });
          break;
      }
    }
  };
  return { onWrite, received };
}

async function setup(script: DeviceScript) {
  const device = improvDevice(script);
  const binding = new FakeBinding().addPort('/dev/ttyUSB0', { onWrite: device.onWrite });
  const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding });
  const console = new SerialConsole(conn);
  return { console, client: new ImprovClient(console), device, port: binding.port('/dev/ttyUSB0') };
}

describe('ImprovClient', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('provisions and returns the URLs, sending exactly the wifi_settings packet', async () => {
    const { client, device, port, console } = await setup({ networks: { lab: SECRET }, noisy: true });
    expect(await client.provision({ ssid: 'lab', password: SECRET })).toEqual({
      urls: ['http://10.0.0.7:81/'],
    });
    expect(device.received).toEqual([
      { type: 'rpc_command', rpc: { command: 'wifi_settings', ssid: 'lab', password: SECRET } },
    ]);
    const wire = encodeImprovPacket(device.received[0] as ImprovPacket);
    expect([...port.writtenBytes]).toEqual([...wire, 0x0a]);
    // Noise around the packets stays ordinary log text.
    expect(console.log).toContain('wifi: mode STA');
    await console.close();
  });

  it("fails with 'unable_to_connect' on wrong credentials and never shows the password", async () => {
    const { client, console } = await setup({ networks: { lab: 'other' } });
    const err = await client.provision({ ssid: 'lab', password: SECRET }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImprovClientError);
    expect(err).toMatchObject({ code: 'unable_to_connect' });
    expect((err as Error).message).toContain('"lab"');
    expect((err as Error).message).not.toContain(SECRET);
    expect(console.log.join('\n')).not.toContain(SECRET);
    await console.close();
  });

  it('refuses credentials that do not fit before writing anything', async () => {
    const { client, port, console } = await setup({ networks: {} });
    await expect(client.provision({ ssid: '', password: 'x' })).rejects.toMatchObject({ code: 'bad_param' });
    await expect(client.provision({ ssid: 's'.repeat(33), password: 'x' })).rejects.toMatchObject({
      code: 'bad_param',
    });
    const long = `${SECRET}${'x'.repeat(60)}`;
    const err = await client.provision({ ssid: 'lab', password: long }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad_param' });
    expect((err as Error).message).not.toContain(SECRET);
    expect(port.written).toHaveLength(0);
    await console.close();
  });

  it('reads state, device info and a network scan', async () => {
    const { client, console } = await setup({ networks: {} });
    expect(await client.requestState()).toBe('ready');
    expect(await client.requestInfo()).toEqual({
      firmware: 'esphil',
      version: '0.1.0',
      chip: 'ESP32',
      name: 'bench-dut',
    });
    expect(await client.scan()).toEqual([
      { ssid: 'lab', rssi: -52, secured: true },
      { ssid: 'guest', rssi: -71, secured: false },
    ]);
    await console.close();
  });

  it('runs concurrent calls one after another', async () => {
    const { client, device, console } = await setup({ networks: { lab: SECRET } });
    const [state, info, prov] = await Promise.all([
      client.requestState(),
      client.requestInfo(),
      client.provision({ ssid: 'lab', password: SECRET }),
    ]);
    expect(state).toBe('ready');
    expect(info.name).toBe('bench-dut');
    expect(prov.urls).toEqual(['http://10.0.0.7:81/']);
    expect(device.received.map((p) => p.type === 'rpc_command' && p.rpc.command)).toEqual([
      'get_state',
      'get_info',
      'wifi_settings',
    ]);
    await console.close();
  });

  describe('with fake timers', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });

    it("times out with 'timeout' when the firmware does not speak Improv", async () => {
      const { client, console } = await setup({ networks: {}, silent: true });
      const pending = client
        .provision({ ssid: 'lab', password: SECRET, timeoutMs: 20_000 })
        .catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(20_000);
      const err = await pending;
      expect(err).toMatchObject({ code: 'timeout' });
      expect((err as Error).message).toContain('Does the firmware support Improv serial');
      expect((err as Error).message).not.toContain(SECRET);
      await console.close();
    });
  });

  it.each([
    ['invalid_rpc', 0x01],
    ['unknown_rpc', 0x02],
    ['unable_to_connect', 0x03],
    ['unknown', 0xff],
    ['device_error', 0x42],
  ] as const)('maps device error state %s', async (code, byte) => {
    const binding = new FakeBinding().addPort('/dev/ttyUSB0', {
      onWrite: (_b, port) => port.emit(encodeImprovPacket({ type: 'error_state', error: byte })),
    });
    const console = new SerialConsole(await openSerialPort({ path: '/dev/ttyUSB0', binding }));
    await expect(new ImprovClient(console).requestInfo()).rejects.toMatchObject({ code });
    await console.close();
  });
});
