/**
 * The differential run behind the transport: the same seeded stream (./differential-stream.ts) through real `ws`
 * clients into two BodyServers (the arduinoWebSockets transport in front of each body), and every byte each client
 * gets compared: handshake outcome, text frames, close codes; and the console's bytes and NVS WiFi writes the
 * servers hand their owner. Each step ends when both servers are idle and every open client has had a pong (or its
 * close), so what a step caused has arrived.
 */
import { WebSocket } from 'ws';
import type { DeviceBody } from './body';
import { BodyServer } from './body-server';
import { comparable, DiffBoard, describeAction, describeStep } from './differential';
import { type DiffScenario, type DiffStep, diffStream } from './differential-stream';

/** A client that neither opens nor fails in this time is a bench problem, not a divergence. */
const STEP_TIMEOUT_MS = 5_000;

interface Client {
  ws: WebSocket;
  log: string[];
  closed: Promise<void>;
}

class Side {
  readonly server: BodyServer;
  readonly clients: Client[] = [];
  /** What the board wrote on its console and to NVS's WiFi, as it went to the owner. */
  readonly console: string[] = [];
  private readonly board: DiffBoard;

  constructor(body: DeviceBody, clock: { now: number }, scenario: DiffScenario) {
    this.board = new DiffBoard(scenario);
    this.server = new BodyServer({ body, clock: () => clock.now, tickMs: 0, heartbeat: false });
    this.server.on('effect', (a) => {
      this.board.saw([a]);
      if (a.a === 'serial' || a.a === 'store-wifi') this.console.push(describeAction(comparable(a)));
    });
    // ESP.restart(): the board boots again with the same config, NVS's WiFi and reset reason `sw`.
    this.server.on('restart', () => {
      this.board.saw([{ a: 'restart' }]);
      void this.boot();
    });
  }

  boot(): Promise<unknown> {
    const { nowMs: _, ...opts } = this.board.options(0);
    return this.server.boot(opts);
  }

  open(): Client[] {
    return this.clients.filter((c) => c.ws.readyState === WebSocket.OPEN);
  }

  /** What the console and every client got since the marks, one string. */
  take(marks: number[], consoleMark: number): string {
    const parts: string[] = [];
    if (this.console.length > consoleMark)
      parts.push(`console: ${this.console.slice(consoleMark).join(' | ')}`);
    this.clients.forEach((c, i) => {
      const from = marks[i] ?? 0;
      if (c.log.length > from) parts.push(`#${i}: ${c.log.slice(from).join(' | ')}`);
    });
    return parts.join('\n');
  }

  async connect(step: Extract<DiffStep, { k: 'connect' }>): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [n, v] of step.headers) if (n.toLowerCase() !== 'host') headers[n] = v;
    const port = this.server.transport.port;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${step.url}`, { headers });
    const log: string[] = [];
    let settle: () => void = () => {};
    const settled = new Promise<void>((r) => {
      settle = r;
    });
    const closed = new Promise<void>((resolve) => {
      ws.on('close', (code) => {
        log.push(`close ${code}`);
        settle();
        resolve();
      });
    });
    ws.on('message', (data, isBinary) => {
      log.push(
        `${isBinary ? 'bin' : 'text'} ${(comparable({ a: 'send', slot: 0, text: String(data) }) as { text: string }).text}`,
      );
    });
    ws.on('open', () => {
      log.push('open');
      settle();
    });
    ws.on('unexpected-response', (_req, res) => {
      log.push(`http ${res.statusCode}`);
      res.resume();
      ws.terminate();
    });
    ws.on('error', () => {
      log.push('dropped');
      settle();
    });
    this.clients.push({ ws, log, closed });
    await settled;
  }

  /**
   * Everything a step caused has reached the clients: a first ping round trip proves the server has read what the
   * clients sent before it (one TCP stream, frames in order), idle() that the body answered, a second round trip that
   * the answers arrived.
   */
  async sync(): Promise<void> {
    await this.roundTrip();
    await this.server.idle();
    await this.roundTrip();
  }

  private async roundTrip(): Promise<void> {
    await Promise.all(
      this.clients.map((c) => {
        // A closing client has its close frame: wait for the close itself, which the step caused.
        if (c.ws.readyState === WebSocket.CLOSING) return c.closed;
        if (c.ws.readyState !== WebSocket.OPEN) return Promise.resolve();
        return new Promise<void>((resolve) => {
          c.ws.once('pong', () => resolve());
          void c.closed.then(resolve);
          c.ws.ping();
        });
      }),
    );
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.ws.terminate();
    await this.server.close();
  }
}

export interface WireReport {
  steps: number;
  divergence: string | null;
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`differential: ${what} took over ${STEP_TIMEOUT_MS} ms`)),
      STEP_TIMEOUT_MS,
    );
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Runs `steps` steps of `seed` through both bodies behind their own transport. Stops at the first divergence. */
export async function runWireDifferential(
  bodyA: DeviceBody,
  bodyB: DeviceBody,
  scenario: DiffScenario,
  seed: number,
  steps: number,
): Promise<WireReport> {
  const clock = { now: 1000 };
  const sides = [new Side(bodyA, clock, scenario), new Side(bodyB, clock, scenario)] as const;
  try {
    await Promise.all(sides.map((s) => s.server.listen()));
    await Promise.all(sides.map((s) => s.boot()));
    const [ba, bb] = sides.map((s) => s.take([], 0));
    if (ba !== bb) {
      return {
        steps: 0,
        divergence: `bodies diverge behind the transport at boot: seed ${seed}, scenario ${scenario.name}\n  a: ${ba}\n  b: ${bb}`,
      };
    }
    const stream = diffStream(seed, steps, scenario);
    for (let i = 0; i < stream.length; i++) {
      const step = stream[i]!;
      const marks = sides.map((s) => s.clients.map((c) => c.log.length));
      const consoleMarks = sides.map((s) => s.console.length);
      if (step.k === 'tick') clock.now += step.advanceMs;
      await withTimeout(
        Promise.all(sides.map((s) => apply(s, step))),
        `step ${i} ${describeStep(step).slice(0, 120)}`,
      );
      await withTimeout(Promise.all(sides.map((s) => s.sync())), `sync after step ${i}`);
      const [a, b] = sides.map((s, k) => s.take(marks[k]!, consoleMarks[k]!));
      if (a !== b) {
        return {
          steps: i + 1,
          divergence: [
            `bodies diverge behind the transport: seed ${seed}, scenario ${scenario.name}, step ${i}: ${describeStep(step).slice(0, 400)}`,
            `  a: ${a}`,
            `  b: ${b}`,
          ].join('\n'),
        };
      }
    }
    return { steps: stream.length, divergence: null };
  } finally {
    await Promise.all(sides.map((s) => s.close()));
  }
}

async function apply(side: Side, step: DiffStep): Promise<void> {
  const open = side.open();
  const client = 'client' in step ? open[step.client % Math.max(1, open.length)] : undefined;
  switch (step.k) {
    case 'connect':
      await side.connect(step);
      return;
    case 'text':
      client?.ws.send(step.data, { binary: false });
      return;
    case 'binary':
      client?.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      return;
    case 'fragment':
      // A message in two frames: the library hands over each on its own (facts §5.5).
      client?.ws.send('{"id":1,', { fin: false });
      client?.ws.send('"op":"ping"}', { fin: true });
      return;
    case 'disconnect':
      if (client) {
        client.ws.close(1000);
        await client.closed;
      }
      return;
    case 'tick':
      await side.server.tick();
      return;
    case 'pin':
      await side.server.pin(step.pin, step.level);
      return;
    case 'adc':
      await side.server.adc(step.pin, step.raw);
      return;
    case 'serial':
      await side.server.serial(step.data);
  }
}
