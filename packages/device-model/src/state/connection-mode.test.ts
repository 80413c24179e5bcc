import { describe, expect, it } from 'vitest';
import { initialConnectionMode, legacyBroadcastText, legacyFrameKind } from './connection-mode';

const enc = new TextEncoder();

describe('connection modes (PROTOCOL.md 2.5, 9)', () => {
  it('an unmarked connection is legacy only on a device with legacy text', () => {
    expect(initialConnectionMode('/', { legacyText: true })).toBe('legacy');
    expect(initialConnectionMode('/?esphil', { legacyText: true })).toBe('esphil');
    expect(initialConnectionMode('/?a=1&esphil=0', { legacyText: true })).toBe('esphil');
    expect(initialConnectionMode('/', { legacyText: false })).toBe('esphil');
  });

  it('sorts legacy-mode frames: JSON objects switch, tutorial text is a command, the rest is ignored', () => {
    expect(legacyFrameKind('{"id":1,"op":"ping"}', false)).toBe('switch');
    expect(legacyFrameKind(enc.encode('\r\n{'), false)).toBe('switch');
    expect(legacyFrameKind('LED ON', false)).toBe('command');
    expect(legacyFrameKind(enc.encode('LED OFF\n'), false)).toBe('command');
    expect(legacyFrameKind('LED ON', true)).toBe('ignore');
    expect(legacyFrameKind('{}', true)).toBe('ignore');
    expect(legacyFrameKind('[1]', false)).toBe('ignore');
  });

  it('turns first-LED events into the tutorial broadcast, except for the connection own command', () => {
    const ev = (led: string, on: boolean, by: string) => ({ t: 'evt', ev: 'led', led, on, by }) as const;
    expect(legacyBroadcastText(ev('status', true, 'ws:1'), 'status', 0)).toBe('LED is now ON');
    expect(legacyBroadcastText(ev('status', false, 'local'), 'status', 0)).toBe('LED is now OFF');
    expect(legacyBroadcastText(ev('status', true, 'legacy:2'), 'status', 0)).toBe('LED is now ON');
    expect(legacyBroadcastText(ev('status', true, 'legacy:0'), 'status', 0)).toBeNull();
    expect(legacyBroadcastText(ev('aux', true, 'ws:1'), 'status', 0)).toBeNull();
    expect(legacyBroadcastText(ev('status', true, 'ws:1'), undefined, 0)).toBeNull();
    const pwm = { t: 'evt', ev: 'pwm', ch: 'fan', freq: 5000, bits: 8, duty: 1, by: 'ws:1' } as const;
    expect(legacyBroadcastText(pwm, 'status', 0)).toBeNull();
  });
});
