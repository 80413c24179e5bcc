import { describe, expect, it } from 'vitest';
import { OPS } from '../messages';
import { SAMPLE_REQUESTS } from '../samples';
import { decodeRequest, validateRequest } from './request';

function err(input: string) {
  const r = decodeRequest(input);
  if (r.ok) throw new Error(`expected an error for ${input}`);
  return r.error;
}

describe('decodeRequest', () => {
  it('accepts one sample of every op, returning the parsed object', () => {
    expect(new Set(SAMPLE_REQUESTS.map((r) => r.op))).toEqual(new Set(OPS));
    for (const req of SAMPLE_REQUESTS) {
      expect(decodeRequest(JSON.stringify(req))).toEqual({ ok: true, value: req });
    }
  });

  it('reports bad_json for non-JSON and non-objects, without an id', () => {
    for (const input of ['', 'LED ON', '{"id":1,', '[1,2]', '42', 'null', '"text"', 'true']) {
      expect(err(input)).toMatchObject({ code: 'bad_json', path: '', id: null });
    }
  });

  it('reports bad_request for a missing or invalid id', () => {
    for (const id of ['null', '-1', '1.5', '4294967296', '"7"', '[7]']) {
      expect(err(`{"id":${id},"op":"ping"}`)).toMatchObject({ code: 'bad_request', path: 'id', id: null });
    }
    expect(err('{"op":"ping"}')).toMatchObject({ code: 'bad_request', path: 'id', id: null });
  });

  it('accepts the full uint32 id range', () => {
    expect(decodeRequest('{"id":0,"op":"ping"}').ok).toBe(true);
    expect(decodeRequest('{"id":4294967295,"op":"ping"}').ok).toBe(true);
  });

  it('reports bad_request for a missing or non-string op, keeping the id', () => {
    expect(err('{"id":9}')).toMatchObject({ code: 'bad_request', path: 'op', id: 9 });
    expect(err('{"id":9,"op":3}')).toMatchObject({ code: 'bad_request', path: 'op', id: 9 });
  });

  it('reports unknown_op with the id, also for inherited property names', () => {
    for (const op of ['zap', 'LED.SET', 'toString', '__proto__', 'constructor', '']) {
      expect(err(`{"id":3,"op":${JSON.stringify(op)}}`)).toMatchObject({
        code: 'unknown_op',
        path: 'op',
        id: 3,
      });
    }
  });

  const badParams: [string, Record<string, unknown>, string][] = [
    ['ping', { ts: 'now' }, 'ts'],
    ['led.set', { on: true }, 'led'],
    ['led.set', { led: 'Status', on: true }, 'led'],
    ['led.set', { led: 'a'.repeat(17), on: true }, 'led'],
    ['led.set', { led: '1led', on: true }, 'led'],
    ['led.set', { led: 'status' }, 'on'],
    ['led.set', { led: 'status', on: 1 }, 'on'],
    ['led.toggle', {}, 'led'],
    ['pwm.set', { duty: 0.5 }, 'ch'],
    ['pwm.set', { ch: 'fan' }, 'duty'],
    ['pwm.set', { ch: 'fan', duty: 1.01 }, 'duty'],
    ['pwm.set', { ch: 'fan', duty: -0.1 }, 'duty'],
    ['pwm.set', { ch: 'fan', duty: '50%' }, 'duty'],
    ['pwm.set', { ch: 'fan', raw: -1 }, 'raw'],
    ['pwm.set', { ch: 'fan', raw: 2.5 }, 'raw'],
    ['pwm.set', { ch: 'fan', duty: 0.5, raw: 3 }, 'raw'],
    ['pwm.config', { ch: 'fan', bits: 8 }, 'freq'],
    ['pwm.config', { ch: 'fan', freq: 0, bits: 8 }, 'freq'],
    ['pwm.config', { ch: 'fan', freq: 5000 }, 'bits'],
    ['pwm.config', { ch: 'fan', freq: 5000, bits: 0 }, 'bits'],
    ['pwm.config', { ch: 'fan', freq: 5000, bits: 8.5 }, 'bits'],
    ['sensor.subscribe', { sensor: 'light' }, 'hz'],
    ['sensor.subscribe', { sensor: 'light', hz: 0 }, 'hz'],
    ['sensor.subscribe', { sensor: 'light', hz: -5 }, 'hz'],
    ['sensor.subscribe', { hz: 5 }, 'sensor'],
    ['sensor.unsubscribe', { sensor: 7 }, 'sensor'],
    ['log.level', { level: 'verbose' }, 'level'],
    ['log.level', {}, 'level'],
    ['auth', {}, 'token'],
    ['auth', { token: 'x'.repeat(65) }, 'token'],
    ['config.set', { config: [] }, 'config'],
    ['config.set', { config: null }, 'config'],
  ];
  it.each(badParams)('%s %j -> bad_param at %s', (op, params, path) => {
    const e = err(JSON.stringify({ id: 21, op, ...params }));
    expect(e).toMatchObject({ code: 'bad_param', path, id: 21 });
    expect(e.message).toContain(path);
  });

  it('accepts boundary values', () => {
    const good = [
      { id: 1, op: 'pwm.set', ch: 'fan', duty: 0 },
      { id: 1, op: 'pwm.set', ch: 'fan', duty: 1 },
      { id: 1, op: 'pwm.set', ch: 'fan', raw: 0 },
      { id: 1, op: 'led.set', led: 'a', on: false },
      { id: 1, op: 'led.set', led: 'a-b_c0123456789x', on: false },
      { id: 1, op: 'auth', token: 'x'.repeat(64) },
      { id: 1, op: 'auth', token: '' },
      { id: 1, op: 'sensor.subscribe', sensor: 'light', hz: 0.5 },
      { id: 1, op: 'ping' },
    ];
    for (const g of good) expect(decodeRequest(JSON.stringify(g))).toEqual({ ok: true, value: g });
  });

  it('ignores unknown members and keeps them in the value', () => {
    const r = decodeRequest('{"id":1,"op":"led.toggle","led":"status","note":"x"}');
    expect(r).toEqual({ ok: true, value: { id: 1, op: 'led.toggle', led: 'status', note: 'x' } });
  });

  it('validates already-parsed values the same way', () => {
    expect(validateRequest({ id: 1, op: 'led.set', led: 'status', on: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'bad_param', path: 'on', id: 1 },
    });
    expect(validateRequest(null)).toMatchObject({ ok: false, error: { code: 'bad_json' } });
  });
});
