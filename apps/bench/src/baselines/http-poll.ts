/**
 * The seed's foil: the device as an HTTP server. A controller POSTs the command; another client learns of
 * the change only by polling GET /state at a fixed interval. Several independent device/poller pairs run at
 * once (each its own device logic) so the slow 1 s polling collects enough samples in a few seconds.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceStateSnapshot } from '@esphil/protocol';
import { type DeviceLogic, startDeviceLogic } from '../device-logic';
import { LED, ledSetFrame } from '../ledcmd';

export interface HttpPollRig {
  /**
   * Each pair: POST led.set at a random phase of its poller, then time until that pair's poller sees the new
   * LED state. Resolves with one latency (ms) per pair.
   */
  sample(): Promise<number[]>;
  close(): Promise<void>;
}

function call(agent: Agent, port: number, method: string, path: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    if (body !== undefined) {
      req.setHeader('content-type', 'application/json');
      req.end(body);
    } else req.end();
  });
}

interface Pair {
  logic: DeviceLogic;
  on: boolean;
  /** Set while a sample waits: the LED state the poller should see and when the POST went out. */
  expect: { on: boolean; sentAt: number; done: (ms: number) => void } | null;
  timer: ReturnType<typeof setInterval>;
}

export async function startHttpPollRig(opts: { intervalMs: number; pairs: number }): Promise<HttpPollRig> {
  const logics: DeviceLogic[] = [];
  for (let i = 0; i < opts.pairs; i++) logics.push(await startDeviceLogic());
  const server: Server = createServer((req, res) => {
    const m = /^\/d\/(\d+)\/(cmd|state)$/.exec(req.url ?? '');
    const logic = m ? logics[Number(m[1])] : undefined;
    if (!m || !logic) {
      res.writeHead(404).end();
      return;
    }
    if (m[2] === 'state') {
      void logic.snapshot().then((s) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(s));
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void logic.handle(Buffer.concat(chunks).toString('utf8')).then((reply) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(reply ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: opts.pairs * 2 });

  let nextId = 1;
  const pairs: Pair[] = logics.map((logic, i) => {
    const pair: Pair = {
      logic,
      on: false,
      expect: null,
      timer: setInterval(() => {
        if (!pair.expect) return;
        void call(agent, port, 'GET', `/d/${i}/state`)
          .then((text) => {
            const e = pair.expect;
            if (!e) return;
            const s = JSON.parse(text) as Partial<DeviceStateSnapshot>;
            if (s.leds?.[LED] === e.on) {
              pair.expect = null;
              e.done(performance.now() - e.sentAt);
            }
          })
          // A failed poll is a missed poll: the next tick asks again (and the rig's close() aborts these).
          .catch(() => undefined);
      }, opts.intervalMs),
    };
    return pair;
  });

  return {
    sample() {
      return Promise.all(
        pairs.map(
          (pair, i) =>
            new Promise<number>((resolve, reject) => {
              // A random phase against the poller: a user's command does not line up with the poll timer.
              setTimeout(() => {
                pair.on = !pair.on;
                pair.expect = { on: pair.on, sentAt: performance.now(), done: resolve };
                call(agent, port, 'POST', `/d/${i}/cmd`, ledSetFrame(nextId++, pair.on)).catch(reject);
              }, Math.random() * opts.intervalMs);
            }),
        ),
      );
    },
    async close() {
      for (const p of pairs) clearInterval(p.timer);
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const l of logics) await l.close();
    },
  };
}
