import { describe, expect, it } from 'vitest';
import { SAMPLE_CAPS, SAMPLE_STATE } from '../samples';
import { decodeResult } from './response';

describe('decodeResult (per-op result shapes)', () => {
  it('accepts a typical result for every op', () => {
    const good = {
      ping: { ts: 5, uptimeMs: 1000 },
      info: {
        fw: '0.1.0',
        board: 'esp32doit-devkit-v1',
        device: 'esphil-1',
        boot: 'abcd',
        uptimeMs: 5,
        heapFree: 200000,
        rssi: -60,
        ip: '10.0.0.2',
        clients: 1,
      },
      'state.get': SAMPLE_STATE,
      'led.set': { led: 'status', on: true },
      'led.toggle': { led: 'status', on: false },
      'pwm.set': { ch: 'fan', freq: 5000, bits: 8, duty: 255 },
      'pwm.config': { ch: 'fan', freq: 25000, bits: 10, duty: 0 },
      'sensor.subscribe': { sensor: 'light', hz: 10 },
      'sensor.unsubscribe': { sensor: 'light' },
      reboot: { inMs: 100 },
      'log.level': { level: 'warn' },
      auth: {},
      'config.set': { caps: SAMPLE_CAPS, rebootInMs: 500 },
      'config.get': { config: { leds: [] } },
    } as const;
    for (const [op, result] of Object.entries(good)) {
      expect(decodeResult(op as keyof typeof good, result), op).toEqual({ ok: true, value: result });
    }
  });

  it('names the bad field under result, with the id passed in', () => {
    expect(decodeResult('led.set', { led: 'status' }, 4)).toMatchObject({
      ok: false,
      error: { code: 'bad_param', path: 'result.on', id: 4 },
    });
    expect(decodeResult('pwm.set', { ch: 'fan', freq: 5000, bits: 8, duty: 300 })).toMatchObject({
      ok: false,
      error: { path: 'result.duty' },
    });
    expect(decodeResult('config.set', { caps: { ...SAMPLE_CAPS, leds: 1 }, rebootInMs: 1 })).toMatchObject({
      ok: false,
      error: { path: 'result.caps.leds' },
    });
    expect(decodeResult('info', [])).toMatchObject({ ok: false, error: { path: 'result' } });
    expect(decodeResult('fly' as 'ping', {})).toMatchObject({ ok: false, error: { code: 'unknown_op' } });
  });
});
