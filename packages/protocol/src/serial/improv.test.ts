import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeImprovPacket,
  encodeImprovFrame,
  encodeImprovPacket,
  IMPROV_MAGIC,
  ImprovEncodeError,
  type ImprovPacket,
  improvChecksum,
  redactImprovPacket,
} from './improv';

const bytes = (...xs: number[]) => Uint8Array.from(xs);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('Improv wire format', () => {
  it('encodes a current-state packet byte for byte', () => {
    const wire = encodeImprovPacket({ type: 'current_state', state: 'ready' });
    const body = [...IMPROV_MAGIC, 1, 0x01, 1, 0x02];
    const sum = body.reduce((a, b) => a + b, 0) & 0xff;
    expect([...wire]).toEqual([...body, sum]);
  });

  it('encodes wifi settings as command, length, ssid and password with length prefixes', () => {
    const wire = encodeImprovPacket({
      type: 'rpc_command',
      rpc: { command: 'wifi_settings', ssid: 'lab', password: 'pw12' },
    });
    const data = [0x01, 9, 3, ...ascii('lab'), 4, ...ascii('pw12')];
    expect([...wire.subarray(6, 9)]).toEqual([1, 0x03, data.length]);
    expect([...wire.subarray(9, 9 + data.length)]).toEqual(data);
    expect(wire[wire.length - 1]).toBe(improvChecksum(wire, wire.length - 1));
  });

  it('matches the PROTOCOL.md example byte for byte', () => {
    const hex = '49 4d 50 52 4f 56 01 03 0d 01 0b 03 6c 61 62 06 73 65 63 72 65 74 b8';
    const wire = encodeImprovPacket({
      type: 'rpc_command',
      rpc: { command: 'wifi_settings', ssid: 'lab', password: 'secret' },
    });
    expect(Buffer.from(wire).toString('hex').match(/../g)?.join(' ')).toBe(hex);
  });

  it('decodes an RPC result carrying the device URL', () => {
    const url = 'http://192.168.1.50:81/';
    const data = [0x01, url.length + 1, url.length, ...ascii(url)];
    const decoded = decodeImprovPacket(encodeImprovFrame(0x04, Uint8Array.from(data)));
    expect(decoded).toEqual({
      ok: true,
      packet: { type: 'rpc_result', command: 'wifi_settings', strings: [url] },
    });
  });

  const named: ImprovPacket[] = [
    { type: 'current_state', state: 'authorization_required' },
    { type: 'current_state', state: 'ready' },
    { type: 'current_state', state: 'provisioning' },
    { type: 'current_state', state: 'provisioned' },
    { type: 'error_state', error: 'none' },
    { type: 'error_state', error: 'invalid_rpc' },
    { type: 'error_state', error: 'unknown_rpc' },
    { type: 'error_state', error: 'unable_to_connect' },
    { type: 'error_state', error: 'not_authorized' },
    { type: 'error_state', error: 'unknown' },
    { type: 'rpc_command', rpc: { command: 'wifi_settings', ssid: 'Café 🛜', password: 'p@ss word' } },
    { type: 'rpc_command', rpc: { command: 'wifi_settings', ssid: '', password: '' } },
    { type: 'rpc_command', rpc: { command: 'get_state' } },
    { type: 'rpc_command', rpc: { command: 'get_info' } },
    { type: 'rpc_command', rpc: { command: 'get_networks' } },
    { type: 'rpc_command', rpc: { command: 'other', code: 0x06, data: bytes(1, 2, 3) } },
    { type: 'rpc_result', command: 'wifi_settings', strings: ['http://10.0.0.2:81/'] },
    { type: 'rpc_result', command: 'get_info', strings: ['esphil', '0.1.0', 'ESP32', 'bench-1'] },
    { type: 'rpc_result', command: 'get_networks', strings: ['lab', '-60', 'YES'] },
    { type: 'rpc_result', command: 'get_networks', strings: [] },
    { type: 'rpc_result', command: 0x09, strings: ['x'] },
    { type: 'current_state', state: 0x07 },
    { type: 'error_state', error: 0x42 },
  ];
  it.each(named.map((p) => [JSON.stringify(p), p] as const))('round trips %s', (_name, packet) => {
    expect(decodeImprovPacket(encodeImprovPacket(packet))).toEqual({ ok: true, packet });
  });

  const packetArb: fc.Arbitrary<ImprovPacket> = fc.oneof(
    fc
      .constantFrom('authorization_required', 'ready', 'provisioning', 'provisioned')
      .map((state) => ({ type: 'current_state', state }) as const),
    fc
      .constantFrom('none', 'invalid_rpc', 'unknown_rpc', 'unable_to_connect', 'not_authorized', 'unknown')
      .map((error) => ({ type: 'error_state', error }) as const),
    fc
      .record({ ssid: fc.string({ maxLength: 32 }), password: fc.string({ maxLength: 63 }) })
      .map(({ ssid, password }) => ({
        type: 'rpc_command' as const,
        rpc: { command: 'wifi_settings' as const, ssid, password },
      })),
    fc
      .array(fc.string({ unit: 'binary', maxLength: 10 }), { maxLength: 4 })
      .map((strings) => ({ type: 'rpc_result', command: 'wifi_settings', strings }) as const),
  );
  it('round trips any packet (property)', () => {
    fc.assert(
      fc.property(packetArb, (packet) => {
        expect(decodeImprovPacket(encodeImprovPacket(packet))).toEqual({ ok: true, packet });
      }),
    );
  });
});

describe('Improv decode errors', () => {
  const good = encodeImprovPacket({ type: 'current_state', state: 'provisioned' });

  it('reports a bad checksum with both values', () => {
    const bad = good.slice();
    bad[bad.length - 1] = ((bad[bad.length - 1] ?? 0) + 1) & 0xff;
    const r = decodeImprovPacket(bad);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_checksum');
      expect(r.error.message).toContain(
        `expected 0x${(good[good.length - 1] ?? 0).toString(16).padStart(2, '0')}`,
      );
    }
  });

  it('detects any single-byte corruption of data or checksum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 9, max: good.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (pos, delta) => {
          const bad = good.slice();
          bad[pos] = ((bad[pos] ?? 0) + delta) & 0xff;
          const r = decodeImprovPacket(bad);
          expect(r.ok).toBe(false);
        },
      ),
    );
  });

  it.each([
    ['too_short', bytes(...IMPROV_MAGIC, 1, 1)],
    ['bad_magic', bytes(...ascii('IMPROX'), 1, 1, 1, 2, 0)],
    [
      'bad_version',
      (() => {
        const b = good.slice();
        b[6] = 2;
        return b;
      })(),
    ],
    ['bad_length', Uint8Array.from([...good, 0])],
    ['unknown_type', encodeImprovFrame(0x09, bytes(1))],
    ['bad_payload', encodeImprovFrame(0x01, bytes(2, 3))],
    ['bad_payload', encodeImprovFrame(0x03, bytes(0x01, 5, 9, 0x41))],
    ['bad_payload', encodeImprovFrame(0x03, bytes(0x01, 2, 1, 0x41))],
    ['bad_payload', encodeImprovFrame(0x03, bytes(0x02, 1, 0))],
    ['bad_payload', encodeImprovFrame(0x04, bytes(0x01, 2, 5, 0x41))],
    ['bad_payload', encodeImprovFrame(0x04, bytes(0x01, 2, 1, 0xff))],
    ['bad_payload', encodeImprovFrame(0x04, bytes(0x01))],
  ] as const)('reports %s', (code, input) => {
    const r = decodeImprovPacket(input);
    expect(r).toMatchObject({ ok: false, error: { code } });
  });

  it('never throws on random bytes, with or without a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (data, header) => {
        const input = header ? Uint8Array.from([...IMPROV_MAGIC, 1, ...data]) : data;
        const r = decodeImprovPacket(input);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});

describe('Improv encode limits', () => {
  it('refuses a field longer than 255 bytes without echoing a password', () => {
    const secret = 'x'.repeat(300);
    try {
      encodeImprovPacket({
        type: 'rpc_command',
        rpc: { command: 'wifi_settings', ssid: 'lab', password: secret },
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ImprovEncodeError);
      expect((e as ImprovEncodeError).code).toBe('too_long');
      expect((e as Error).message).not.toContain(secret);
    }
  });

  it('refuses a payload that does not fit one packet', () => {
    expect(() =>
      encodeImprovPacket({
        type: 'rpc_result',
        command: 'get_info',
        strings: ['a'.repeat(200), 'b'.repeat(200)],
      }),
    ).toThrow(ImprovEncodeError);
  });

  it('refuses unknown names and non-byte codes', () => {
    expect(() => encodeImprovPacket({ type: 'current_state', state: 'sleeping' as 'ready' })).toThrow(
      /unknown/,
    );
    expect(() => encodeImprovPacket({ type: 'error_state', error: 300 })).toThrow(/byte/);
  });

  it('redacts the password for logging', () => {
    const p: ImprovPacket = {
      type: 'rpc_command',
      rpc: { command: 'wifi_settings', ssid: 'lab', password: 'hunter2' },
    };
    expect(JSON.stringify(redactImprovPacket(p))).not.toContain('hunter2');
    expect(redactImprovPacket({ type: 'current_state', state: 'ready' })).toEqual({
      type: 'current_state',
      state: 'ready',
    });
  });
});
