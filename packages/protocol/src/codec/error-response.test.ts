import { describe, expect, it } from 'vitest';
import { decodeDeviceMessage } from './device-message';
import { encodeMessage } from './encode';
import { toErrorResponse } from './error-response';
import { decodeRequest } from './request';

describe('toErrorResponse', () => {
  it('turns a request decode error into a valid error response carrying id, code, msg and path', () => {
    const r = decodeRequest('{"id":7,"op":"led.set","led":"status","on":1}');
    if (r.ok) throw new Error('expected a decode error');
    const res = toErrorResponse(r.error);
    expect(res).toEqual({
      t: 'res',
      id: 7,
      ok: false,
      error: { code: 'bad_param', msg: r.error.message, path: 'on' },
    });
    expect(decodeDeviceMessage(encodeMessage(res))).toEqual({ ok: true, value: res });
  });

  it('omits an empty path and keeps a null id', () => {
    const r = decodeRequest('not json');
    if (r.ok) throw new Error('expected a decode error');
    const res = toErrorResponse(r.error);
    expect(res.id).toBeNull();
    expect(res.error).toEqual({ code: 'bad_json', msg: r.error.message });
    expect(decodeDeviceMessage(encodeMessage(res)).ok).toBe(true);
  });
});
