import { encodeImprovPacket } from '@esphil/protocol';
import { describe, expect, it } from 'vitest';
import { type ImprovFeed, ImprovStreamDecoder } from './improv-decoder';

function run(bytes: Uint8Array | string): { text: string; items: ImprovFeed[] } {
  const d = new ImprovStreamDecoder();
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  let text = '';
  const items: ImprovFeed[] = [];
  for (const b of data) {
    const r = d.feed(b);
    if (r.kind === 'text') text += String.fromCharCode(...r.bytes);
    else if (r.kind !== 'pending') items.push(r);
  }
  return { text, items };
}

describe('ImprovStreamDecoder (improv.cpp Decoder)', () => {
  const pkt = encodeImprovPacket({ type: 'rpc_command', rpc: { command: 'get_info' } });

  it('picks a packet out of text, false and overlapping starts passed on as text', () => {
    const r = run(Buffer.concat([Buffer.from('noise IMPR IIMPRO'), pkt, Buffer.from('tail')]));
    expect(r.text).toBe('noise IMPR IIMPROtail');
    expect(r.items).toEqual([{ kind: 'packet', type: 3, data: Uint8Array.of(3, 0) }]);
  });

  it('a bad checksum drops the packet whole', () => {
    const bad = pkt.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    expect(run(Buffer.concat([bad, Buffer.from('x')]))).toEqual({
      text: 'x',
      items: [{ kind: 'bad-checksum' }],
    });
  });

  it('"IMPROV" not followed by version 1 is text, and the byte after it may start a packet', () => {
    expect(run('"IMPROVE"')).toEqual({ text: '"IMPROVE"', items: [] });
    const r = run(Buffer.concat([Buffer.from('IMPROV'), pkt]));
    expect(r.text).toBe('IMPROV');
    expect(r.items).toHaveLength(1);
  });
});
