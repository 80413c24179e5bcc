import { describe, expect, it } from 'vitest';
import { SAMPLE_SERIAL_LINES } from '../samples';
import { decodeSerialMachineLine } from './serial-line';

describe('decodeSerialMachineLine', () => {
  it('accepts the sample lines of every kind', () => {
    for (const m of SAMPLE_SERIAL_LINES)
      expect(decodeSerialMachineLine(JSON.stringify(m))).toEqual({ ok: true, value: m });
  });

  it('accepts a ready line without WiFi', () => {
    const line = { t: 'ready', ip: null, port: 81, path: '/', url: null, proto: 1 };
    expect(decodeSerialMachineLine(JSON.stringify(line))).toEqual({ ok: true, value: line });
  });

  it.each([
    ['{"t":"boot","fw":"1","board":"b","device":"d","boot":"x"}', 'bad_param', 'reason'],
    ['{"t":"wifi","status":"sleeping"}', 'bad_param', 'status'],
    [`{"t":"wifi","status":"connected","ssid":"${'x'.repeat(33)}"}`, 'bad_param', 'ssid'],
    ['{"t":"ready","ip":"10.0.0.2","port":0,"path":"/","url":null,"proto":1}', 'bad_param', 'port'],
    ['{"t":"ready","ip":"10.0.0.2","port":81,"path":"ws","url":null,"proto":1}', 'bad_param', 'path'],
    ['{"t":"ready","ip":"10.0.0.2","port":81,"path":"/","proto":1}', 'bad_param', 'url'],
    ['{"t":"hello"}', 'bad_request', 't'],
    ['{"t":"evt","seq":1,"ev":"led"}', 'bad_param', 'led'],
    ['@esphil {"t":"boot"}', 'bad_json', ''],
  ])('%s -> %s at %s', (input, code, path) => {
    expect(decodeSerialMachineLine(input)).toMatchObject({ ok: false, error: { code, path } });
  });
});
