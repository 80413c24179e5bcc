import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as arb from '../testing/arbitraries';
import { decodeDeviceMessage } from './device-message';
import { encodeMessage } from './encode';
import { decodeRequest } from './request';
import { decodeSerialMachineLine } from './serial-line';

const enc = new TextEncoder();

describe('encode -> decode round trips', () => {
  it('every request op, as text and as UTF-8 bytes', () => {
    fc.assert(
      fc.property(arb.request, (req) => {
        const text = encodeMessage(req);
        expect(decodeRequest(text)).toEqual({ ok: true, value: req });
        expect(decodeRequest(enc.encode(text))).toEqual({ ok: true, value: req });
      }),
      { numRuns: 300 },
    );
  });

  const deviceKinds = {
    hello: arb.hello,
    auth_required: arb.authRequired,
    res: arb.response,
    evt: arb.event,
  };
  for (const [kind, a] of Object.entries(deviceKinds)) {
    it(`device message ${kind}`, () => {
      fc.assert(
        fc.property(a, (m) => {
          expect(decodeDeviceMessage(encodeMessage(m))).toEqual({ ok: true, value: m });
        }),
        { numRuns: kind === 'hello' ? 100 : 200 },
      );
    });
  }

  const serialKinds = {
    boot: arb.bootLine,
    wifi: arb.wifiLine,
    ready: arb.readyLine,
    res: arb.response,
    evt: arb.event,
  };
  for (const [kind, a] of Object.entries(serialKinds)) {
    it(`serial machine line ${kind}`, () => {
      fc.assert(
        fc.property(a, (m) => {
          expect(decodeSerialMachineLine(encodeMessage(m))).toEqual({ ok: true, value: m });
        }),
        { numRuns: 100 },
      );
    });
  }

  it('encodes compactly: one line, no whitespace between tokens', () => {
    const text = encodeMessage({ id: 4, op: 'led.set', led: 'status', on: true });
    expect(text).toBe('{"id":4,"op":"led.set","led":"status","on":true}');
  });
});
