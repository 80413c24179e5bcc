/**
 * Scenario 1: command round trip (led.set -> response) through @esphil/client + @esphil/sim, against a raw
 * `ws` echo of the same bytes (the floor) and MQTT request/response through aedes; then "time until a client
 * learns of the change": an esphil observer client's event against HTTP POST + polling at 100 ms and 1 s.
 */

import { existsSync } from 'node:fs';
import { connect, type DeviceClient } from '@esphil/client';
import {
  defaultNativeExecutable,
  NATIVE_BIN_ENV,
  nativeDeviceBodyFactory,
  type SimBench,
  startSimBench,
} from '@esphil/sim';
import type WebSocket from 'ws';
import { startHttpPollRig } from '../baselines/http-poll';
import { startMqttRig } from '../baselines/mqtt';
import {
  closeRaw,
  openRaw,
  rawRoundTrip,
  startEchoPlusEventServer,
  startEchoServer,
} from '../baselines/raw-ws';
import { startStubDevice } from '../baselines/stub-device';
import { interleave, type Variant } from '../interleave';
import { LED, ledSetFrame } from '../ledcmd';
import { type ResultRow, row } from '../result';
import { type Summary, summarize } from '../stats';
import { closeAll, connectMany, startSim } from './esphil-rig';

export interface RttOptions {
  warmupRounds: number;
  rounds: number;
  perRound: number;
  /** Rounds of the "learns of the change" comparison (HTTP 1 s polling costs ~0.5-1 s a round). */
  learnRounds: number;
  learnWarmupRounds: number;
  /** Independent HTTP device/poller pairs sampled at once. */
  httpPairs: number;
  /** esphil observer samples per learn round (they cost well under a millisecond each). */
  eventsPerRound: number;
}

export const RTT_DEFAULTS: RttOptions = {
  warmupRounds: 3,
  rounds: 20,
  perRound: 100,
  learnWarmupRounds: 1,
  learnRounds: 12,
  httpPairs: 8,
  eventsPerRound: 20,
};

export interface RttResult {
  rtt: Record<
    'esphil' | 'esphil-client+stub' | 'raw-ws' | 'raw-ws-2frames' | 'raw-ws+stub' | 'mqtt',
    Summary
  >;
  learn: Record<'esphil-event' | 'http-poll-100ms' | 'http-poll-1s', Summary>;
  /** The same round trip with the firmware's C++ core as the device body; null when esphil-native is not built. */
  native: Summary | null;
  /** Why the native row is left out (null when it ran). */
  nativeSkipped: string | null;
  rows: ResultRow[];
}

/** A sim whose device body is the firmware's own Device (esphil-native in device mode, behind the simulated
 * transport), or why there is none (the bench is not a test: it skips). */
async function startNativeSim(): Promise<{ sim: SimBench; client: DeviceClient } | string> {
  const executable = defaultNativeExecutable();
  if (!existsSync(executable)) {
    return `native body: ${executable} not built (\`pnpm --filter @esphil/firmware build\`, or set ${NATIVE_BIN_ENV})`;
  }
  const sim = await startSimBench({ latency: 'zero', body: nativeDeviceBodyFactory({ executable }) });
  const [client] = await connectMany(sim.url, 1);
  if (!client) throw new Error('native sim refused the bench client');
  return { sim, client };
}

export async function runRtt(opts: RttOptions = RTT_DEFAULTS): Promise<RttResult> {
  const sim = await startSim(2);
  // The round trip is measured with the requesting client alone on the sim, as the raw ws echo has one
  // client: everything runs in this process, so a second client's receive work would land inside every
  // esphil sample and none of the baseline's. The observer joins for the "learns of the change" part.
  const [client] = await connectMany(sim.url, 1);
  if (!client) throw new Error('sim refused the bench client');
  let observer: DeviceClient | null = null;
  const echo = await startEchoServer();
  const raw = await openRaw(echo.url);
  let seq = 0;
  const echo2 = await startEchoPlusEventServer((req) => {
    const on = (JSON.parse(req) as { on?: boolean }).on === true;
    return JSON.stringify({ t: 'evt', ev: 'led', led: LED, on, by: 'ws:0', seq: ++seq });
  });
  const raw2 = await openRaw(echo2.url);
  const stub = await startStubDevice();
  const stubClient = await connect(stub.url, { reconnect: false });
  const rawStub = await openRaw(stub.url, { skipFirst: true });
  let stubOn = false;
  const mqttRig = await startMqttRig();
  const native = await startNativeSim();
  let nativeOn = false;
  let id = 0;
  let on = false;
  // The sim's LED state apart from the baselines' toggling: an event only follows a real change.
  let simOn = false;
  // A plain ws client: send the same led.set bytes, done at the first frame back.
  const rawVariant = (name: string, ws: WebSocket): Variant => ({
    name,
    async sample() {
      on = !on;
      const frame = ledSetFrame(++id, on);
      const t0 = performance.now();
      await rawRoundTrip(ws, frame);
      return performance.now() - t0;
    },
  });
  try {
    const rtt = await interleave(
      [
        {
          name: 'esphil',
          async sample() {
            simOn = !simOn;
            const t0 = performance.now();
            await client.ledSet(LED, simOn);
            return performance.now() - t0;
          },
        },
        rawVariant('raw-ws', raw),
        {
          name: 'esphil-client+stub',
          async sample() {
            stubOn = !stubOn;
            const t0 = performance.now();
            await stubClient.ledSet(LED, stubOn);
            return performance.now() - t0;
          },
        },
        rawVariant('raw-ws-2frames', raw2),
        rawVariant('raw-ws+stub', rawStub),
        ...(typeof native === 'string'
          ? []
          : [
              {
                name: 'esphil-native',
                async sample() {
                  nativeOn = !nativeOn;
                  const t0 = performance.now();
                  await native.client.ledSet(LED, nativeOn);
                  return performance.now() - t0;
                },
              },
            ]),
        {
          name: 'mqtt',
          async sample() {
            on = !on;
            const n = ++id;
            const frame = ledSetFrame(n, on);
            const t0 = performance.now();
            await mqttRig.request(frame, n);
            return performance.now() - t0;
          },
        },
      ],
      opts,
    );

    observer = (await connectMany(sim.url, 1))[0] ?? null;
    if (!observer) throw new Error('sim refused the observer client');
    const watcher = observer;
    const http100 = await startHttpPollRig({ intervalMs: 100, pairs: opts.httpPairs });
    const http1s = await startHttpPollRig({ intervalMs: 1000, pairs: opts.httpPairs });
    let learn: Map<string, number[]>;
    try {
      learn = await interleave(
        [
          {
            name: 'esphil-event',
            perRound: opts.eventsPerRound,
            sample() {
              simOn = !simOn;
              const want = simOn;
              return new Promise<number>((resolve) => {
                const t0 = performance.now();
                const off = watcher.on('led', (e) => {
                  if (e.led !== LED || e.on !== want) return;
                  off();
                  resolve(performance.now() - t0);
                });
                void client.ledSet(LED, want);
              });
            },
          },
          { name: 'http-poll-100ms', perRound: 1, sample: () => http100.sample() },
          { name: 'http-poll-1s', perRound: 1, sample: () => http1s.sample() },
        ],
        { warmupRounds: opts.learnWarmupRounds, rounds: opts.learnRounds, perRound: 1 },
      );
    } finally {
      await http100.close();
      await http1s.close();
    }

    const s = (m: Map<string, number[]>, k: string): Summary => summarize(m.get(k) ?? []);
    const result: RttResult = {
      rtt: {
        esphil: s(rtt, 'esphil'),
        'raw-ws': s(rtt, 'raw-ws'),
        'raw-ws-2frames': s(rtt, 'raw-ws-2frames'),
        'raw-ws+stub': s(rtt, 'raw-ws+stub'),
        'esphil-client+stub': s(rtt, 'esphil-client+stub'),
        mqtt: s(rtt, 'mqtt'),
      },
      learn: {
        'esphil-event': s(learn, 'esphil-event'),
        'http-poll-100ms': s(learn, 'http-poll-100ms'),
        'http-poll-1s': s(learn, 'http-poll-1s'),
      },
      native: typeof native === 'string' ? null : s(rtt, 'esphil-native'),
      nativeSkipped: typeof native === 'string' ? native : null,
      rows: [],
    };
    result.rows = rttRows(result);
    return result;
  } finally {
    await closeRaw(raw);
    await echo.close();
    await closeRaw(raw2);
    await echo2.close();
    await stubClient.close();
    await closeRaw(rawStub);
    await stub.close();
    await mqttRig.close();
    if (typeof native !== 'string') {
      await native.client.close();
      await native.sim.close();
    }
    await closeAll(observer ? [client, observer] : [client]);
    await sim.close();
  }
}

function rttRows(r: RttResult): ResultRow[] {
  const scenario = '1 command round trip';
  const e = r.rtt.esphil;
  const rawP50 = r.rtt['raw-ws'].p50;
  const mqttP50 = r.rtt.mqtt.p50;
  const rows: ResultRow[] = [
    row({
      scenario,
      metric: 'esphil client+sim RTT p50 vs raw ws echo p50',
      value: e.p50,
      unit: 'ms',
      n: e.n,
      baseline: { name: 'raw ws echo p50', value: rawP50 },
      target: '<= 1.25x raw ws echo p50',
      met: e.p50 <= 1.25 * rawP50,
    }),
    row({
      scenario,
      metric: 'esphil client+sim RTT p50 vs MQTT (aedes) p50',
      value: e.p50,
      unit: 'ms',
      n: e.n,
      baseline: { name: 'MQTT request/response p50', value: mqttP50 },
      target: '>= 1.5x lower than MQTT p50 (ratio <= 0.667)',
      met: e.p50 * 1.5 <= mqttP50,
    }),
  ];
  rows.push(
    row({
      scenario,
      metric: 'esphil client+sim RTT p50 vs raw ws echo + event frame p50 (same frames on the wire)',
      value: e.p50,
      unit: 'ms',
      n: e.n,
      baseline: { name: 'raw ws echo + event p50', value: r.rtt['raw-ws-2frames'].p50 },
    }),
  );
  rows.push(
    row({
      scenario,
      metric:
        'protocol floor: raw ws client against a stub device (parse, answer, event; no validation, no state) p50 vs raw ws echo p50',
      value: r.rtt['raw-ws+stub'].p50,
      unit: 'ms',
      n: r.rtt['raw-ws+stub'].n,
      baseline: { name: 'raw ws echo p50', value: rawP50 },
    }),
  );
  rows.push(
    row({
      scenario,
      metric: '@esphil/client alone: esphil client vs raw ws client, both against the stub device, p50',
      value: r.rtt['esphil-client+stub'].p50,
      unit: 'ms',
      n: r.rtt['esphil-client+stub'].n,
      baseline: { name: 'raw ws client + stub device p50', value: r.rtt['raw-ws+stub'].p50 },
    }),
  );
  rows.push(
    row({
      scenario,
      metric: '@esphil/sim alone: esphil client against the sim vs against the stub device, p50',
      value: e.p50,
      unit: 'ms',
      n: e.n,
      baseline: { name: 'esphil client + stub device p50', value: r.rtt['esphil-client+stub'].p50 },
    }),
  );
  if (r.native) {
    rows.push(
      row({
        scenario,
        metric:
          'esphil client+sim RTT p50, native body (firmware C++ core, esphil-native over a pipe) vs TypeScript body',
        value: r.native.p50,
        unit: 'ms',
        n: r.native.n,
        baseline: { name: 'esphil client+sim (TS body) p50', value: e.p50 },
      }),
      row({
        scenario,
        metric: 'esphil client+sim RTT p99, native body vs TypeScript body',
        value: r.native.p99,
        unit: 'ms',
        n: r.native.n,
        baseline: { name: 'esphil client+sim (TS body) p99', value: e.p99 },
      }),
    );
  }
  for (const [name, sum] of Object.entries(r.rtt)) {
    for (const p of ['p95', 'p99'] as const) {
      rows.push(
        row({
          scenario,
          metric: `${name} RTT ${p}`,
          value: sum[p],
          unit: 'ms',
          n: sum.n,
          baseline: name === 'raw-ws' ? null : { name: `raw ws echo ${p}`, value: r.rtt['raw-ws'][p] },
        }),
      );
    }
  }
  const ev = r.learn['esphil-event'];
  for (const http of ['http-poll-100ms', 'http-poll-1s'] as const) {
    for (const p of ['p50', 'p99'] as const) {
      rows.push(
        row({
          scenario,
          metric: `time until a second client learns of the change ${p}: esphil event vs ${http}`,
          value: ev[p],
          unit: 'ms',
          n: ev.n,
          baseline: { name: `${http} (POST + GET /state) ${p}`, value: r.learn[http][p] },
        }),
      );
    }
  }
  return rows;
}
