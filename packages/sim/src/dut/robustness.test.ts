import { connect as tcpConnect } from 'node:net';
import { OPS } from '@esphil/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DutHarness, startDut } from '../testing/dut';
import { openClient, type TestClient } from '../testing/ws-client';

// The sim must never crash on what a client or a host sends: every frame gets an answer or is ignored,
// the connection survives anything under the frame limit, and the device keeps answering.
let h: DutHarness;
let c: TestClient;
beforeAll(async () => {
  h = await startDut({ seed: 11 });
  c = await openClient(h.dut.url);
});
afterAll(async () => {
  await c.close();
  await h.close();
});

// Ops that would legitimately end the session (reboot) or change the config are left out of the random mix.
const safeOps = fc.constantFrom(...OPS.filter((op) => op !== 'reboot' && op !== 'config.set'), 'nope', '');
const frame = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc
    .record({ id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), op: safeOps }, { requiredKeys: [] })
    .map((o) => JSON.stringify(o)),
  fc
    .record(
      {
        id: fc.nat(),
        op: safeOps,
        led: fc.oneof(fc.constant('status'), fc.string({ maxLength: 20 })),
        on: fc.anything(),
        ch: fc.oneof(fc.constant('fan'), fc.string({ maxLength: 5 })),
        duty: fc.oneof(fc.double(), fc.anything()),
        raw: fc.oneof(fc.integer(), fc.anything()),
        freq: fc.oneof(fc.integer(), fc.double()),
        bits: fc.integer({ min: -5, max: 40 }),
        hz: fc.oneof(fc.double(), fc.integer()),
        sensor: fc.oneof(fc.constant('light'), fc.string({ maxLength: 5 })),
        level: fc.string({ maxLength: 6 }),
      },
      { requiredKeys: ['id', 'op'] },
    )
    .map((o) => JSON.stringify(o)),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
);

describe('robustness (fast-check)', () => {
  it('random and malformed WebSocket frames never crash the DUT or drop the connection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
        for (const f of frames) c.ws.send(f);
        const pong = await c.request('ping');
        expect(pong.ok).toBe(true);
        expect(h.dut.phase).toBe('running');
      }),
      { numRuns: 150, seed: 1234 },
    );
    // Subscriptions made by random frames may be live: the connection is still the same and numbered in order.
    const seqs = c.frames.filter((f) => f.t === 'evt').map((f) => f.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('random serial bytes never crash the DUT; it still answers over serial', async () => {
    let n = 1000;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }), async (chunks) => {
        for (const ch of chunks) h.dut.serialWrite(ch);
        const id = n++;
        const from = h.consoleLength();
        // Enough newlines to end any partial line and fill any Improv packet (<= 255 data bytes) the noise began.
        h.dut.serialWrite(Buffer.from(`${'\n'.repeat(260)}@esphil {"id":${id},"op":"ping"}\n`));
        await h.waitConsole(new RegExp(`"id":${id},"ok":true`), from);
        expect(h.dut.phase).toBe('running');
      }),
      { numRuns: 150, seed: 99 },
    );
  });

  it('random bytes and malformed upgrade requests on the TCP port never take the server down', async () => {
    const port = h.dut.port;
    const junk = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 512 }).map((b) => Buffer.from(b)),
      fc
        .record({
          method: fc.constantFrom('GET', 'POST', 'BREW', ''),
          key: fc.oneof(fc.constant('dGhlIHNhbXBsZSBub25jZQ=='), fc.string({ maxLength: 30 })),
          version: fc.constantFrom('13', '8', 'x', ''),
          origin: fc.option(fc.string({ maxLength: 20 })),
          protocol: fc.option(fc.string({ maxLength: 20 })),
        })
        .map((r) =>
          Buffer.from(
            `${r.method} / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Key: ${r.key}\r\nSec-WebSocket-Version: ${r.version}\r\n` +
              (r.origin === null ? '' : `Origin: ${r.origin}\r\n`) +
              (r.protocol === null ? '' : `Sec-WebSocket-Protocol: ${r.protocol}\r\n`) +
              '\r\n',
            'latin1',
          ),
        ),
    );
    await fc.assert(
      fc.asyncProperty(junk, async (bytes) => {
        await new Promise<void>((resolve) => {
          const s = tcpConnect(port, '127.0.0.1', () => {
            s.end(bytes);
          });
          s.on('error', () => resolve());
          s.on('close', () => resolve());
          s.resume();
        });
      }),
      { numRuns: 60, seed: 7 },
    );
    const fresh = await openClient(h.dut.url);
    expect((await fresh.request('ping')).ok).toBe(true);
    await fresh.close();
    expect((await c.request('ping')).ok).toBe(true);
  });
});
