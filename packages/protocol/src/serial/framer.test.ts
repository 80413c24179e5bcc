import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Request, SerialBootLine, SerialMachineLine, SerialReadyLine } from '../messages';
import { formatMachineLine } from './format';
import { SerialFramer, type SerialItem } from './framer';
import { encodeImprovPacket, type ImprovPacket } from './improv';

const enc = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: (Uint8Array | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => [...(typeof p === 'string' ? enc(p) : p)]));

function frameAll(
  input: Uint8Array,
  chunks: number[] = [],
  opts = {},
): { items: SerialItem[]; framer: SerialFramer } {
  const framer = new SerialFramer(opts);
  const items: SerialItem[] = [];
  let at = 0;
  for (const size of chunks) {
    items.push(...framer.push(input.subarray(at, at + size)));
    at += size;
  }
  items.push(...framer.push(input.subarray(at)));
  items.push(...framer.flush());
  return { items, framer };
}

const boot: SerialBootLine = {
  t: 'boot',
  fw: '0.1.0',
  board: 'esp32doit-devkit-v1',
  device: 'abc',
  boot: 'b1',
  reason: 'poweron',
};
const ready: SerialReadyLine = {
  t: 'ready',
  ip: '192.168.1.50',
  port: 81,
  path: '/',
  url: 'ws://192.168.1.50:81/',
  proto: 1,
};
const state: ImprovPacket = { type: 'current_state', state: 'provisioned' };

describe('SerialFramer lines', () => {
  it('splits on CR, LF and CRLF and skips empty lines', () => {
    const { items } = frameAll(enc('a\rb\nc\r\nd\r\n\r\n\n\re'));
    expect(items).toEqual(['a', 'b', 'c', 'd', 'e'].map((text) => ({ kind: 'line', text })));
  });

  it('joins lines split across chunks, even inside a multi-byte character', () => {
    const framer = new SerialFramer();
    const bytes = enc('héllo wörld\n');
    expect(framer.push(bytes.subarray(0, 2))).toEqual([]);
    expect(framer.push(bytes.subarray(2, 9))).toEqual([]);
    expect(framer.push(bytes.subarray(9))).toEqual([{ kind: 'line', text: 'héllo wörld' }]);
  });

  it('keeps non-UTF-8 bytes as replacement characters and keeps going', () => {
    const { items } = frameAll(cat(Uint8Array.of(0xff, 0xfe, 0x41, 0xc3), '\nok\n'));
    expect(items).toEqual([
      { kind: 'line', text: '\uFFFD\uFFFDA\uFFFD' },
      { kind: 'line', text: 'ok' },
    ]);
  });

  it('cuts overlong lines, drops and counts their tail, then recovers', () => {
    const long = 'x'.repeat(40);
    const { items, framer } = frameAll(enc(`${long}\nnext\n${'y'.repeat(16)}\n`), [], { maxLineBytes: 16 });
    expect(items).toEqual([
      { kind: 'line', text: 'x'.repeat(16), truncated: true },
      { kind: 'line', text: 'next' },
      { kind: 'line', text: 'y'.repeat(16) },
    ]);
    expect(framer.stats).toMatchObject({ overlongLines: 1, droppedBytes: 24, lines: 3 });
  });

  it('reset() drops a partial line and a partial packet but keeps the counters', () => {
    const framer = new SerialFramer();
    framer.push(cat('half a li', encodeImprovPacket(state).subarray(0, 5)));
    framer.reset();
    expect(framer.push('fresh\n')).toEqual([{ kind: 'line', text: 'fresh' }]);
    expect(framer.stats.bytesIn).toBe(20);
  });

  it('emits the unterminated last line on flush', () => {
    const framer = new SerialFramer();
    expect(framer.push('tail')).toEqual([]);
    expect(framer.flush()).toEqual([{ kind: 'line', text: 'tail' }]);
  });
});

describe('SerialFramer machine lines', () => {
  it('decodes machine lines and keeps the raw JSON', () => {
    const { items, framer } = frameAll(enc(`log\r\n${formatMachineLine(boot)}${formatMachineLine(ready)}`));
    expect(items).toEqual([
      { kind: 'line', text: 'log' },
      { kind: 'machine', message: boot, raw: JSON.stringify(boot) },
      { kind: 'machine', message: ready, raw: JSON.stringify(ready) },
    ]);
    expect(framer.stats.machineLines).toBe(2);
  });

  it('drops boot noise in front of the prefix and counts it', () => {
    const { items, framer } = frameAll(cat(Uint8Array.of(0x00, 0xff, 0x1b), formatMachineLine(ready)));
    expect(items).toEqual([{ kind: 'machine', message: ready, raw: JSON.stringify(ready) }]);
    expect(framer.stats.droppedBytes).toBe(3);
  });

  it('reports bad machine lines with a raw excerpt', () => {
    const { items } = frameAll(enc('@esphil {"t":"ready",\n@esphil [1]\n@esphil {"t":"nope"}\n'));
    expect(items).toEqual([
      { kind: 'machine-error', error: expect.objectContaining({ code: 'bad_json' }), raw: '{"t":"ready",' },
      { kind: 'machine-error', error: expect.objectContaining({ code: 'bad_json' }), raw: '[1]' },
      {
        kind: 'machine-error',
        error: expect.objectContaining({ code: 'bad_request', path: 't' }),
        raw: '{"t":"nope"}',
      },
    ]);
  });

  it('does not treat the prefix in the middle of a log line as a machine line', () => {
    const { items } = frameAll(enc('I (12) main: sent @esphil {"t":"ready"}\n'));
    expect(items).toEqual([{ kind: 'line', text: 'I (12) main: sent @esphil {"t":"ready"}' }]);
  });

  it('turns an overlong machine line into a too_large error with a bounded excerpt', () => {
    const big = formatMachineLine({ t: 'wifi', status: 'connected', ssid: 's'.repeat(500) });
    const { items } = frameAll(enc(`${big}after\n`), [], { maxLineBytes: 256 });
    expect(items).toHaveLength(2);
    const [first, second] = items;
    expect(first).toMatchObject({ kind: 'machine-error', error: { code: 'too_large' } });
    if (first?.kind === 'machine-error') expect(first.raw.length).toBeLessThanOrEqual(163);
    expect(second).toEqual({ kind: 'line', text: 'after' });
  });

  it('decodes host requests on the device side with a request decoder', () => {
    const framer = new SerialFramer<Request>({
      decodeMachineLine: (json) => {
        const v = JSON.parse(json) as Request;
        return typeof v.id === 'number' && typeof v.op === 'string'
          ? { ok: true, value: v }
          : { ok: false, error: { code: 'bad_request', path: '', message: 'no id/op', id: null } };
      },
    });
    const req: Request = { id: 7, op: 'led.set', led: 'status', on: true };
    const items = framer.push(`${formatMachineLine(req)}@esphil {"x":1}\n`);
    expect(items).toEqual([
      { kind: 'machine', message: req, raw: JSON.stringify(req) },
      { kind: 'machine-error', error: expect.objectContaining({ code: 'bad_request' }), raw: '{"x":1}' },
    ]);
  });

  it('survives a decoder that throws', () => {
    const framer = new SerialFramer({
      decodeMachineLine: () => {
        throw new Error('boom');
      },
    });
    expect(framer.push('@esphil {}\n')).toEqual([
      { kind: 'machine-error', error: expect.objectContaining({ code: 'internal' }), raw: '{}' },
    ]);
  });
});

describe('SerialFramer on the serial-line conformance vectors', () => {
  interface Vector {
    name: string;
    input: string;
    expect: { ok: true; value: unknown } | { ok: false; code: string; path: string; id: number | null };
  }
  const vectors = (
    JSON.parse(readFileSync(new URL('../../vectors/serial-lines.json', import.meta.url), 'utf8')) as {
      vectors: Vector[];
    }
  ).vectors;

  it.each(vectors.map((v) => [v.name, v] as const))('%s, framed with boot noise around it', (_name, v) => {
    const { items } = frameAll(cat(Uint8Array.of(0x00, 0xf8), `@esphil ${v.input}\r\n`, 'next\n'), [3, 5, 7]);
    const expected: SerialItem = v.expect.ok
      ? { kind: 'machine', message: v.expect.value as SerialMachineLine, raw: v.input }
      : {
          kind: 'machine-error',
          error: expect.objectContaining({ code: v.expect.code, path: v.expect.path, id: v.expect.id }),
          raw: expect.any(String),
        };
    expect(items).toEqual([expected, { kind: 'line', text: 'next' }]);
  });
});

describe('SerialFramer Improv packets', () => {
  it('picks a packet out of the middle of a log line and keeps the line whole', () => {
    const { items } = frameAll(cat('wifi: conn', encodeImprovPacket(state), 'ected\n'));
    expect(items).toEqual([
      { kind: 'improv', packet: state },
      { kind: 'line', text: 'wifi: connected' },
    ]);
  });

  it('reads CR and LF bytes inside a packet as data', () => {
    const packet: ImprovPacket = {
      type: 'rpc_result',
      command: 'get_info',
      strings: ['a\nb', '\r\n', 'x'.repeat(10)],
    };
    const wire = encodeImprovPacket(packet);
    expect(wire.includes(0x0a) && wire.includes(0x0d)).toBe(true);
    const { items } = frameAll(cat('before\n', wire, '\nafter\n'));
    expect(items).toEqual([
      { kind: 'line', text: 'before' },
      { kind: 'improv', packet },
      { kind: 'line', text: 'after' },
    ]);
  });

  it('treats "IMPROV" in ordinary text as text', () => {
    const { items, framer } = frameAll(enc('IMPROV serial ready, IMPRO IMPIMPROV\n'));
    expect(items).toEqual([{ kind: 'line', text: 'IMPROV serial ready, IMPRO IMPIMPROV' }]);
    expect(framer.stats.badImprovPackets).toBe(0);
  });

  it('reports a bad checksum and still finds the packet hidden in the bad one', () => {
    // A header claiming 20 data bytes swallows the valid packet that follows: rescanning recovers it.
    const bogusHeader = Uint8Array.of(0x49, 0x4d, 0x50, 0x52, 0x4f, 0x56, 1, 0x01, 20);
    const good = encodeImprovPacket(state);
    const input = cat(bogusHeader, good, 'tail text\n');
    const { items, framer } = frameAll(input);
    expect(items[0]).toMatchObject({ kind: 'improv-error', error: { code: 'bad_checksum' } });
    expect(items[0]?.kind === 'improv-error' && items[0].raw.length).toBe(30);
    expect(items[1]).toEqual({ kind: 'improv', packet: state });
    expect(items[2]).toMatchObject({ kind: 'line' });
    if (items[2]?.kind === 'line') expect(items[2].text.endsWith('tail text')).toBe(true);
    expect(items).toHaveLength(3);
    expect(framer.stats).toMatchObject({ badImprovPackets: 1, improvPackets: 1 });
  });

  it('reports a corrupted packet once and keeps its bytes as text', () => {
    const wire = encodeImprovPacket(state);
    wire[wire.length - 1] = (wire[wire.length - 1] ?? 0) ^ 0x01;
    const { items, framer } = frameAll(cat('a', wire, 'b\n'));
    expect(items).toEqual([
      { kind: 'improv-error', error: expect.objectContaining({ code: 'bad_checksum' }), raw: wire },
      { kind: 'line', text: `aIMPROV\u0001\u0001\u0001\u0004\uFFFDb` },
    ]);
    expect(framer.stats.badImprovPackets).toBe(1);
  });

  it('reports a packet with a valid checksum but a bad payload without rescanning it', () => {
    const wire = Uint8Array.of(0x49, 0x4d, 0x50, 0x52, 0x4f, 0x56, 1, 0x01, 2, 7, 7, 0);
    wire[11] = wire.subarray(0, 11).reduce((a, b) => (a + b) & 0xff, 0);
    const { items } = frameAll(cat(wire, 'x\n'));
    expect(items).toEqual([
      { kind: 'improv-error', error: expect.objectContaining({ code: 'bad_payload' }), raw: wire },
      { kind: 'line', text: 'x' },
    ]);
  });

  it('reports a packet cut off by the end of the stream and returns its bytes as text', () => {
    const wire = encodeImprovPacket(state);
    const { items } = frameAll(wire.subarray(0, 8));
    expect(items[0]).toMatchObject({ kind: 'improv-error', error: { code: 'too_short' } });
    expect(items[1]).toEqual({ kind: 'line', text: 'IMPROV\u0001\u0001' });
  });

  it('finds every packet between random garbage', () => {
    const garbage = fc.uint8Array({ maxLength: 40 }).map((a) => a.filter((b) => b !== 0x49));
    const packet = fc.constantFrom<ImprovPacket>(
      state,
      { type: 'error_state', error: 'unable_to_connect' },
      { type: 'rpc_result', command: 'wifi_settings', strings: ['http://10.1.1.1:81/'] },
      { type: 'rpc_command', rpc: { command: 'get_info' } },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(garbage, packet), { minLength: 1, maxLength: 6 }),
        garbage,
        (pairs, end) => {
          const input = cat(...pairs.flatMap(([g, p]) => [g, encodeImprovPacket(p)]), end);
          const { items } = frameAll(input);
          const packets = items.flatMap((i) => (i.kind === 'improv' ? [i.packet] : []));
          expect(packets).toEqual(pairs.map(([, p]) => p));
          expect(items.some((i) => i.kind === 'improv-error')).toBe(false);
        },
      ),
    );
  });
});

describe('SerialFramer properties', () => {
  const textArb = fc
    .string({
      unit: fc.constantFrom(...'abcdefghij IMPRO:()-_0123456789é'.split('')),
      minLength: 1,
      maxLength: 60,
    })
    .filter((s) => s.trim().length > 0 && !s.includes('IMPROV') && !s.startsWith('@esphil'));
  const endingArb = fc.constantFrom('\n', '\r', '\r\n', '\n\n', '\r\n\r\n');
  const machineArb = fc.constantFrom<SerialMachineLine>(boot, ready, {
    t: 'wifi',
    status: 'connecting',
    ssid: 'lab\nnet',
  });
  const improvArb = fc.constantFrom<ImprovPacket>(
    state,
    { type: 'error_state', error: 'invalid_rpc' },
    { type: 'rpc_result', command: 'get_info', strings: ['esphil', '0.1', 'ESP32', 'dev\r\n'] },
  );
  type Segment = { bytes: Uint8Array; items: SerialItem[] };
  const lineSeg: fc.Arbitrary<Segment> = fc
    .tuple(textArb, endingArb, fc.option(fc.tuple(improvArb, fc.nat()), { nil: undefined }))
    .map(([text, ending, embed]) => {
      if (!embed) return { bytes: enc(text + ending), items: [{ kind: 'line', text }] };
      const [packet, at] = embed;
      const cut = at % (text.length + 1);
      return {
        bytes: cat(text.slice(0, cut), encodeImprovPacket(packet), text.slice(cut) + ending),
        items: [
          { kind: 'improv', packet },
          { kind: 'line', text },
        ],
      };
    });
  const machineSeg: fc.Arbitrary<Segment> = machineArb.map((m) => ({
    bytes: enc(formatMachineLine(m)),
    items: [{ kind: 'machine', message: m, raw: JSON.stringify(m) }],
  }));
  const improvSeg: fc.Arbitrary<Segment> = improvArb.map((p) => ({
    bytes: encodeImprovPacket(p),
    items: [{ kind: 'improv', packet: p }],
  }));
  const streamArb = fc.array(fc.oneof(lineSeg, machineSeg, improvSeg), { maxLength: 12 });
  const splitsArb = fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 40 });

  it('yields the expected items for any valid stream, however it is chunked', () => {
    fc.assert(
      fc.property(streamArb, splitsArb, (segments, splits) => {
        const input = cat(...segments.map((s) => s.bytes));
        const expected = segments.flatMap((s) => s.items);
        expect(frameAll(input).items).toEqual(expected);
        expect(frameAll(input, splits).items).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random bytes and gives the same items for every split', () => {
    const noisy = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 50 }),
        fc.constant(enc('IMPROV\u0001')),
        improvArb.map(encodeImprovPacket),
        fc.constant(enc('@esphil ')),
        fc.constant(enc('\r\n')),
      ),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(noisy, splitsArb, fc.integer({ min: 10, max: 200 }), (parts, splits, maxLineBytes) => {
        const input = cat(...parts);
        const whole = frameAll(input, [], { maxLineBytes });
        const split = frameAll(input, splits, { maxLineBytes });
        expect(split.items).toEqual(whole.items);
        expect(split.framer.stats).toEqual(whole.framer.stats);
        for (const item of whole.items) {
          if (item.kind === 'line') expect(enc(item.text).length).toBeLessThanOrEqual(maxLineBytes * 3);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bounds every line it emits to maxLineBytes bytes of input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 400 }), (s) => {
        const framer = new SerialFramer({ maxLineBytes: 32 });
        const items = [...framer.push(s), ...framer.flush()];
        for (const item of items)
          if (item.kind === 'line') expect(enc(item.text).length).toBeLessThanOrEqual(32);
      }),
    );
  });
});
