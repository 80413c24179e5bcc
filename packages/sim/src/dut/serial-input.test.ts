import { decodeImprovPacket } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { encodeWifiSettings, improvResult, improvState } from './improv-device';
import { strapLevels } from './reset-circuit';
import { SerialInput } from './serial-input';

describe('SerialInput', () => {
  it('splits lines (CRLF or LF) and picks Improv packets at line starts', () => {
    const s = new SerialInput();
    const items = s.push(
      Buffer.concat([
        Buffer.from('{"id":1,"op":"ping"}\r\nhel'),
        Buffer.from('lo\n'),
        encodeWifiSettings('lab', 'pw'),
      ]),
    );
    expect(items).toEqual([
      { kind: 'line', text: '{"id":1,"op":"ping"}' },
      { kind: 'line', text: 'hello' },
      { kind: 'improv', result: { ok: true, rpc: { cmd: 1, ssid: 'lab', password: 'pw' } } },
    ]);
  });

  it('reports a bad Improv checksum and drops overlong lines once', () => {
    const s = new SerialInput(8);
    const pkt = encodeWifiSettings('a', 'b');
    pkt[pkt.length - 1] = (pkt.at(-1) ?? 0) ^ 0xff;
    expect(s.push(pkt)).toEqual([{ kind: 'improv', result: { ok: false, error: 'checksum' } }]);
    const items = s.push(Buffer.from('0123456789abcdef\nok\n'));
    expect(items).toEqual([
      { kind: 'overlong', bytes: 16 },
      { kind: 'line', text: 'ok' },
    ]);
  });
});

describe('device Improv packets', () => {
  it('are valid for the host-side decoder', () => {
    const state = decodeImprovPacket(improvState(0x04).slice(0, -1));
    expect(state.ok).toBe(true);
    const result = decodeImprovPacket(improvResult(0x01, ['ws://127.0.0.1:81/']).slice(0, -1));
    expect(result.ok).toBe(true);
    if (result.ok) expect(JSON.stringify(result.packet)).toContain('ws://127.0.0.1:81/');
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
