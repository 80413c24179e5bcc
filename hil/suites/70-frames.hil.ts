import { once } from 'node:events';
import { needs, hilTest as test } from '@esphil/hil/test';
import { MAX_FRAME_BYTES, withEsphilMarker } from '@esphil/protocol';
import { expect } from 'vitest';
import WebSocket from 'ws';

/** A raw socket (no client library): frames as the device sends them. `?esphil`: hello at once (PROTOCOL.md 2). */
async function raw(url: string) {
  const ws = new WebSocket(withEsphilMarker(url));
  const inbox: Record<string, unknown>[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => {
    try {
      inbox.push(JSON.parse(String(d)) as Record<string, unknown>);
    } catch {
      // A corrupt frame is the device's failure: it shows as a missing answer below.
      inbox.push({ t: 'corrupt', raw: String(d).slice(0, 80) });
    }
    for (const w of waiters.splice(0)) w();
  });
  await once(ws, 'open');
  const next = async (pred: (m: Record<string, unknown>) => boolean, timeoutMs: number) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = inbox.findIndex(pred);
      if (i >= 0) return inbox.splice(i, 1)[0]!;
      if (Date.now() > end)
        throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(inbox)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 20);
      });
    }
  };
  /** Closes and waits until the device has let go of the slot (the client limit counts it until then). */
  const close = async () => {
    if (ws.readyState === WebSocket.CLOSED) return;
    const closed = once(ws, 'close');
    ws.close();
    await closed;
  };
  return { ws, next, close };
}

test(
  'bad frames are answered with errors and the connection survives',
  needs('esphil'),
  async ({ bench }) => {
    const { ws, next, close } = await raw(bench.session.url);
    const t = bench.timeouts.requestMs;
    try {
      await next((m) => m.t === 'hello', t);
      const cases: [string, string][] = [
        ['not json at all', 'bad_json'],
        ['[1,2,3]', 'bad_json'],
        ['{"op":"ping"}', 'bad_request'],
        ['{"id":7,"op":"self-destruct"}', 'unknown_op'],
        ['{"id":8,"op":"led.set","led":"no-such-led","on":true}', 'unknown_target'],
        ['{"id":9,"op":"led.set","led":"x"}', 'bad_param'],
      ];
      for (const [frame, code] of cases) {
        ws.send(frame);
        const res = await next((m) => m.t === 'res', t);
        bench.measure({
          name: `reply to ${frame}`,
          expected: code,
          measured: (res.error as { code?: string })?.code ?? 'ok',
          ok: (res.error as { code?: string })?.code === code,
        });
        expect(res.ok, frame).toBe(false);
        expect((res.error as { code: string }).code, frame).toBe(code);
      }
      ws.send('{"id":10,"op":"ping"}');
      const pong = await next((m) => m.t === 'res' && m.id === 10, t);
      expect(pong.ok).toBe(true);
    } finally {
      await close();
    }
  },
);

test(
  'an oversize frame closes the connection with 1009 and the device keeps serving',
  needs('esphil'),
  async ({ dut, bench }) => {
    const { ws, next } = await raw(bench.session.url);
    await next((m) => m.t === 'hello', bench.timeouts.requestMs);
    const closed = once(ws, 'close');
    ws.send(JSON.stringify({ id: 1, op: 'ping', pad: 'x'.repeat(MAX_FRAME_BYTES + 1024) }));
    const [code] = (await closed) as [number];
    bench.measure({ name: 'close code', expected: 1009, measured: code, ok: code === 1009 });
    expect(code).toBe(1009);
    const after = await dut.ping();
    expect(after.uptimeMs).toBeGreaterThanOrEqual(0);
  },
);
