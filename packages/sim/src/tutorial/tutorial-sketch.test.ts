// The simulated tutorial sketch, as the tutorial's page sees it: a plain WebSocket that shows event.data.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTutorialBench, type TutorialBench } from './tutorial-bench';

/** What the tutorial page does: open, collect every message's data as text. */
interface PageSocket {
  ws: WebSocket;
  texts: string[];
  nth(n: number): Promise<string>;
  close(): Promise<void>;
}

function openPage(url: string): Promise<PageSocket> {
  const ws = new WebSocket(url);
  const texts: string[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data, isBinary) => {
    texts.push(isBinary ? '<binary>' : data.toString());
    for (const w of waiters.splice(0)) w();
  });
  const nth = (n: number): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (texts.length > n) resolve(texts[n]!);
        else if (ws.readyState === ws.CLOSED) reject(new Error(`closed after ${texts.length} message(s)`));
        else waiters.push(check);
      };
      ws.once('close', () => check());
      check();
    });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (ws.readyState === ws.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close();
    });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, texts, nth, close }));
    ws.once('error', reject);
  });
}

/** DEFAULT_SIM_WIRING: GPIO2 (the tutorial LED) lands on probe D2. */
const LED_PROBE_PIN = 2;

let bench: TutorialBench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

describe('the simulated tutorial sketch', () => {
  it('answers LED ON / LED OFF with tutorial text only, broadcast, and drives the LED line', async () => {
    bench = await startTutorialBench();
    const a = await openPage(bench.url);
    const b = await openPage(bench.url);
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);
    a.ws.send('LED ON');
    expect(await a.nth(0)).toBe('LED is now ON');
    expect(await b.nth(0)).toBe('LED is now ON');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(1);
    // Anything else is not for this sketch: no answer (the next message is the answer to LED OFF).
    b.ws.send('{"id":1,"op":"ping"}');
    b.ws.send('led on');
    b.ws.send('LED OFF');
    expect(await b.nth(1)).toBe('LED is now OFF');
    expect(await a.nth(1)).toBe('LED is now OFF');
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);
    expect([...a.texts, ...b.texts].every((t) => t.startsWith('LED is now '))).toBe(true);
    expect(a.texts).toEqual(['LED is now ON', 'LED is now OFF']);
    await Promise.all([a.close(), b.close()]);
  });

  it('sends nothing on connect: the first message a page sees is an answer', async () => {
    bench = await startTutorialBench();
    const a = await openPage(bench.url);
    const late = await openPage(bench.url);
    a.ws.send('LED ON');
    expect(await late.nth(0)).toBe('LED is now ON');
    expect(late.texts).toHaveLength(1);
    await Promise.all([a.close(), late.close()]);
  });

  it('has the library limits: five clients, 15 KiB frames (close 1009)', async () => {
    bench = await startTutorialBench();
    const five = await Promise.all(Array.from({ length: 5 }, () => openPage(bench!.url)));
    await expect(openPage(bench.url)).rejects.toThrow();
    const big = five[0]!;
    const code = new Promise<number>((resolve) => big.ws.once('close', (c) => resolve(c)));
    big.ws.send('x'.repeat(16 * 1024));
    expect(await code).toBe(1009);
    await Promise.all(five.map((p) => p.close()));
  });

  it('prints the sketch console on the DUT serial port', async () => {
    bench = await startTutorialBench();
    const lines: string[] = [];
    bench.sketch.on('serial', (d) => lines.push(Buffer.from(d).toString('utf8')));
    const a = await openPage(bench.url);
    a.ws.send('LED ON');
    await a.nth(0);
    expect(lines.join('')).toContain('LED is now ON\r\n');
    await a.close();
  });

  it('resets like the EN button: clients dropped, LED low, banner again, same URL', async () => {
    bench = await startTutorialBench();
    const url = bench.url;
    const a = await openPage(url);
    a.ws.send('LED ON');
    await a.nth(0);
    const lines: string[] = [];
    bench.sketch.on('serial', (d) => lines.push(Buffer.from(d).toString('utf8')));
    const dropped = new Promise<void>((resolve) => a.ws.once('close', () => resolve()));
    await bench.reset();
    await dropped;
    expect(bench.url).toBe(url);
    expect(bench.sketch.led).toBe(false);
    expect(bench.wiring.probeDigital(LED_PROBE_PIN)).toBe(0);
    expect(lines.join('')).toContain(`WebSocket server started on port ${bench.sketch.port}\r\n`);
    const b = await openPage(url);
    b.ws.send('LED ON');
    expect(await b.nth(0)).toBe('LED is now ON');
    await b.close();
  });
});
