import { describe, expect, it } from 'vitest';
import { SAMPLE_DEVICE_MESSAGES, SAMPLE_HELLO } from '../samples';
import { decodeDeviceMessage, validateDeviceMessage } from './device-message';

function mutate(base: object, fn: (m: Record<string, unknown>) => void): string {
  const m = structuredClone(base) as Record<string, unknown>;
  fn(m);
  return JSON.stringify(m);
}

function errOf(input: string) {
  const r = decodeDeviceMessage(input);
  if (r.ok) throw new Error(`expected an error for ${input}`);
  return r.error;
}

describe('decodeDeviceMessage', () => {
  it('accepts the sample messages of every kind', () => {
    expect(new Set(SAMPLE_DEVICE_MESSAGES.map((m) => m.t))).toEqual(
      new Set(['hello', 'auth_required', 'res', 'evt']),
    );
    for (const m of SAMPLE_DEVICE_MESSAGES)
      expect(decodeDeviceMessage(JSON.stringify(m))).toEqual({ ok: true, value: m });
  });

  it('rejects a missing or unknown t with bad_request', () => {
    expect(errOf('{"id":1}')).toMatchObject({ code: 'bad_request', path: 't', id: null });
    expect(errOf('{"t":"welcome"}')).toMatchObject({ code: 'bad_request', path: 't' });
  });

  it('names the nested field of a malformed hello', () => {
    const cases: [(m: Record<string, unknown>) => void, string][] = [
      [(m) => delete m.fw, 'fw'],
      [(m) => (m.boot = ''), 'boot'],
      [(m) => (m.caps = []), 'caps'],
      [(m) => ((m.caps as { leds: unknown[] }).leds = [{ name: 'status', pin: -1 }]), 'caps.leds[0].pin'],
      [
        (m) => ((m.caps as { pwm: unknown[] }).pwm = [{ name: 'fan', pin: 18, freq: 5000, bits: 0 }]),
        'caps.pwm[0].bits',
      ],
      [
        (m) => ((m.caps as { sensors: unknown[] }).sensors = [{ name: 'x', pin: 34, unit: 'lux', maxHz: 0 }]),
        'caps.sensors[0].maxHz',
      ],
      [(m) => ((m.caps as { ops: unknown[] }).ops = ['ping', 'fly']), 'caps.ops[1]'],
      [(m) => ((m.caps as { maxClients: unknown }).maxClients = 0), 'caps.maxClients'],
      [(m) => ((m.caps as { auth: unknown }).auth = 'no'), 'caps.auth'],
      [(m) => delete m.state, 'state'],
      [(m) => ((m.state as { leds: unknown }).leds = { status: 1 }), 'state.leds.status'],
      [(m) => ((m.state as { leds: unknown }).leds = { Status: true }), 'state.leds["Status"]'],
      [
        (m) => ((m.state as { pwm: unknown }).pwm = { fan: { freq: 5000, bits: 8, duty: 256 } }),
        'state.pwm.fan.duty',
      ],
      [
        (m) => ((m.state as { sensors: unknown }).sensors = { light: { raw: 1, value: 'x' } }),
        'state.sensors.light.value',
      ],
      [(m) => ((m.state as { logLevel: unknown }).logLevel = 'trace'), 'state.logLevel'],
      [(m) => (m.seq = -1), 'seq'],
    ];
    for (const [fn, path] of cases) {
      const e = errOf(mutate(SAMPLE_HELLO, fn));
      expect(e, path).toMatchObject({ code: 'bad_param', path, id: null });
      expect(e.message).toContain(path);
    }
  });

  it('reports a different protocol version on proto, before anything else', () => {
    const e = errOf(
      mutate(SAMPLE_HELLO, (m) => {
        m.proto = 2;
        m.caps = 'from the future';
      }),
    );
    expect(e).toMatchObject({ code: 'bad_param', path: 'proto' });
    expect(e.message).toContain('protocol 2');
    expect(errOf('{"t":"auth_required","proto":3,"deadlineMs":5000}')).toMatchObject({ path: 'proto' });
    expect(errOf('{"t":"auth_required","proto":1}')).toMatchObject({ path: 'deadlineMs' });
  });

  it('validates responses, reporting the id when it was readable', () => {
    expect(errOf('{"t":"res","id":5,"ok":true}')).toMatchObject({ code: 'bad_param', path: 'result', id: 5 });
    expect(errOf('{"t":"res","id":5,"ok":"yes","result":{}}')).toMatchObject({ path: 'ok', id: 5 });
    expect(errOf('{"t":"res","ok":true,"result":{}}')).toMatchObject({ path: 'id', id: null });
    expect(errOf('{"t":"res","id":5,"ok":false}')).toMatchObject({ path: 'error', id: 5 });
    expect(errOf('{"t":"res","id":5,"ok":false,"error":{"code":"oops","msg":"x"}}')).toMatchObject({
      path: 'error.code',
      id: 5,
    });
    expect(errOf('{"t":"res","id":5,"ok":false,"error":{"code":"busy"}}')).toMatchObject({
      path: 'error.msg',
    });
    expect(
      decodeDeviceMessage('{"t":"res","id":null,"ok":false,"error":{"code":"bad_json","msg":"x"}}').ok,
    ).toBe(true);
  });

  it('validates every event kind', () => {
    const cases: [string, string][] = [
      ['{"t":"evt","ev":"led","led":"status","on":true,"by":"ws:0"}', 'seq'],
      ['{"t":"evt","seq":0,"ev":"led","led":"status","on":true,"by":"ws:0"}', 'seq'],
      ['{"t":"evt","seq":1,"ev":"led","led":"status","on":true}', 'by'],
      ['{"t":"evt","seq":1,"ev":"pwm","ch":"fan","freq":5000,"bits":8,"duty":-1,"by":"local"}', 'duty'],
      ['{"t":"evt","seq":1,"ev":"button","button":"boot"}', 'pressed'],
      ['{"t":"evt","seq":1,"ev":"sensor","sensor":"light","raw":1.5,"value":3}', 'raw'],
      ['{"t":"evt","seq":1,"ev":"log","level":"info"}', 'msg'],
    ];
    for (const [input, path] of cases) expect(errOf(input), input).toMatchObject({ code: 'bad_param', path });
    expect(errOf('{"t":"evt","seq":1,"ev":"temperature"}')).toMatchObject({
      code: 'bad_request',
      path: 'ev',
    });
  });

  it('validates already-parsed values', () => {
    expect(validateDeviceMessage(SAMPLE_HELLO)).toEqual({ ok: true, value: SAMPLE_HELLO });
    expect(validateDeviceMessage([])).toMatchObject({ ok: false, error: { code: 'bad_json' } });
  });
});
