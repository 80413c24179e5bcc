import { decodeImprovPacket, encodeImprovPacket } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { improvResult, improvState } from './improv-device';
import { strapLevels } from './reset-circuit';
import { SerialInput } from './serial-input';

const wifiSettings = (ssid: string, password: string) =>
  encodeImprovPacket({ type: 'rpc_command', rpc: { command: 'wifi_settings', ssid, password } });

describe('SerialInput', () => {
  it('splits lines (CRLF or LF) and picks Improv packets at line starts', () => {
    const s = new SerialInput();
    const items = s.push(
      Buffer.concat([
        Buffer.from('{"id":1,"op":"ping"}\r\nhel'),
        Buffer.from('lo\n'),
        wifiSettings('lab', 'pw'),
      ]),
    );
    expect(items).toEqual([
      { kind: 'line', text: '{"id":1,"op":"ping"}' },
      { kind: 'line', text: 'hello' },
      {
        kind: 'improv',
        result: {
          ok: true,
          packet: { type: 'rpc_command', rpc: { command: 'wifi_settings', ssid: 'lab', password: 'pw' } },
        },
      },
    ]);
  });

  it('reports a bad Improv checksum and drops overlong lines once', () => {
    const s = new SerialInput(8);
    const pkt = wifiSettings('a', 'b');
    pkt[pkt.length - 1] = (pkt.at(-1) ?? 0) ^ 0xff;
    expect(s.push(pkt)).toEqual([
      { kind: 'improv', result: { ok: false, error: { code: 'bad_checksum', message: expect.any(String) } } },
    ]);
    const items = s.push(Buffer.from('0123456789abcdef\nok\n'));
    expect(items).toEqual([
      { kind: 'overlong', bytes: 16 },
      { kind: 'line', text: 'ok' },
    ]);
  });
});

describe('device Improv packets', () => {
  it('are one protocol packet each, followed by the newline the firmware prints', () => {
    const state = improvState('provisioned');
    expect(state.at(-1)).toBe(0x0a);
    expect(decodeImprovPacket(state.slice(0, -1))).toEqual({
      ok: true,
      packet: { type: 'current_state', state: 'provisioned' },
    });
    const result = improvResult('wifi_settings', ['ws://127.0.0.1:81/']);
    expect(result.at(-1)).toBe(0x0a);
    expect(decodeImprovPacket(result.slice(0, -1))).toEqual({
      ok: true,
      packet: { type: 'rpc_result', command: 'wifi_settings', strings: ['ws://127.0.0.1:81/'] },
    });
  });
});

describe('auto-reset circuit', () => {
  it('RTS alone holds EN low, DTR alone pulls GPIO0 low, both or neither leave the chip alone', () => {
    expect(strapLevels({ dtr: false, rts: true })).toEqual({ en: false, gpio0: true });
    expect(strapLevels({ dtr: true, rts: false })).toEqual({ en: true, gpio0: false });
    expect(strapLevels({ dtr: true, rts: true })).toEqual({ en: true, gpio0: true });
    expect(strapLevels({ dtr: false, rts: false })).toEqual({ en: true, gpio0: true });
  });
});
