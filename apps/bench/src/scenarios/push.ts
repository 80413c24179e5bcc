/**
 * Scenario 2: push latency. One client changes the LED; time until the `led` handler runs in each of N
 * connected clients (the sender included). Baseline: a raw `ws` server that broadcasts the same event frame
 * to N raw clients (the fan-out floor), each parsing it.
 */
import type { DeviceClient } from '@esphil/client';
import type WebSocket from 'ws';
import { closeRaw, openRaw, startBroadcastServer } from '../baselines/raw-ws';
import { interleave } from '../interleave';
import { LED, ledSetFrame } from '../ledcmd';
import { type ResultRow, row } from '../result';
import { type Summary, summarize } from '../stats';
import { closeAll, connectMany, startSim } from './esphil-rig';

export interface PushOptions {
  counts: readonly number[];
  warmupRounds: number;
  rounds: number;
  perRound: number;
}

export const PUSH_DEFAULTS: PushOptions = { counts: [1, 5, 100], warmupRounds: 2, rounds: 10, perRound: 20 };

export interface PushResult {
  byCount: { clients: number; esphil: Summary; rawWs: Summary }[];
  rows: ResultRow[];
}

function esphilFanout(clients: readonly DeviceClient[]): () => Promise<number[]> {
  let on = false;
  return () => {
    on = !on;
    const want = on;
    return new Promise<number[]>((resolve) => {
      const lat: number[] = [];
      const offs: (() => void)[] = [];
      const t0 = performance.now();
      for (const c of clients) {
        offs.push(
          c.on('led', (e) => {
            if (e.led !== LED || e.on !== want) return;
            lat.push(performance.now() - t0);
            if (lat.length === clients.length) {
              for (const off of offs) off();
              resolve(lat);
            }
          }),
        );
      }
      void clients[0]?.ledSet(LED, want);
    });
  };
}

function rawFanout(sockets: readonly WebSocket[]): () => Promise<number[]> {
  let id = 0;
  return () =>
    new Promise<number[]>((resolve) => {
      const lat: number[] = [];
      const t0 = performance.now();
      const n = ++id;
      const onMsg = (data: WebSocket.RawData): void => {
        // Parse like a client must before it can call a handler.
        const ev = JSON.parse(data.toString()) as { seq?: number };
        if (ev.seq !== n) return;
        lat.push(performance.now() - t0);
        if (lat.length === sockets.length) {
          for (const s of sockets) s.off('message', onMsg);
          resolve(lat);
        }
      };
      for (const s of sockets) s.on('message', onMsg);
      sockets[0]?.send(ledSetFrame(n, n % 2 === 1));
    });
}

export async function runPush(opts: PushOptions = PUSH_DEFAULTS): Promise<PushResult> {
  const byCount: PushResult['byCount'] = [];
  for (const n of opts.counts) {
    const sim = await startSim(n);
    const clients = await connectMany(sim.url, n);
    const server = await startBroadcastServer((seq) =>
      JSON.stringify({ t: 'evt', ev: 'led', led: LED, on: seq % 2 === 1, by: 'ws:0', seq }),
    );
    const sockets: WebSocket[] = [];
    for (let i = 0; i < n; i++) sockets.push(await openRaw(server.url));
    try {
      const m = await interleave(
        [
          { name: 'esphil', sample: esphilFanout(clients) },
          { name: 'raw-ws', sample: rawFanout(sockets) },
        ],
        opts,
      );
      byCount.push({
        clients: n,
        esphil: summarize(m.get('esphil') ?? []),
        rawWs: summarize(m.get('raw-ws') ?? []),
      });
    } finally {
      await Promise.all(sockets.map(closeRaw));
      await server.close();
      await closeAll(clients);
      await sim.close();
    }
  }
  return { byCount, rows: pushRows(byCount) };
}

function pushRows(byCount: PushResult['byCount']): ResultRow[] {
  const scenario = '2 push latency';
  const rows: ResultRow[] = [];
  for (const r of byCount) {
    for (const p of ['p50', 'p99'] as const) {
      const bar = r.clients === 100 && p === 'p99';
      rows.push(
        row({
          scenario,
          metric: `state change -> handler in ${r.clients} client${r.clients === 1 ? '' : 's'} ${p}`,
          value: r.esphil[p],
          unit: 'ms',
          n: r.esphil.n,
          baseline: { name: `raw ws broadcast ${p}`, value: r.rawWs[p] },
          ...(bar ? { target: '< 5 ms', met: r.esphil.p99 < 5 } : {}),
        }),
      );
    }
  }
  return rows;
}
