import { describe, expect, it } from 'vitest';
import { DEFAULT_WS_PORT, deviceWsUrl } from './ws-url';

const at = (hostname: string, search = '', protocol = 'http:') => deviceWsUrl({ hostname, search, protocol });

describe('deviceWsUrl', () => {
  it('uses the tutorial split: same host, port 81', () => {
    expect(DEFAULT_WS_PORT).toBe(81);
    expect(at('192.168.1.42')).toBe('ws://192.168.1.42:81/');
  });
  it('takes ?ws=<port> from a host whose WebSocket listens elsewhere', () => {
    expect(at('127.0.0.1', '?ws=8081')).toBe('ws://127.0.0.1:8081/');
  });
  it('ignores a ws parameter that is not a port', () => {
    for (const bad of ['?ws=', '?ws=abc', '?ws=0', '?ws=70000', '?ws=81.5', '?ws=-1']) {
      expect(at('esp32.local', bad)).toBe('ws://esp32.local:81/');
    }
  });
  it('brackets IPv6 literals and follows https with wss', () => {
    expect(at('::1', '?ws=9000')).toBe('ws://[::1]:9000/');
    expect(at('dev.example', '', 'https:')).toBe('wss://dev.example:81/');
  });
});
