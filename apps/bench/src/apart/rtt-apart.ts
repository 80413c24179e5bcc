/**
 * Scenario 1, context: the same round trips with every device in a child process (apart/device-process.ts).
 * In-process (scenario 1 proper) the device's CPU adds to the client's latency on a shared core; here it runs
 * on the other core, and each hop pays a process wake-up instead, as it would against a real board.
 */
import { connect } from '@esphil/client';
import { closeRaw, openRaw, rawRoundTrip } from '../baselines/raw-ws';
import { interleave } from '../interleave';
import { LED, ledSetFrame } from '../ledcmd';
import { type ResultRow, row } from '../result';
import { type Summary, summarize } from '../stats';
import type { DeviceProcess } from './device-process';

export interface RttApartOptions {
  warmupRounds: number;
  rounds: number;
  perRound: number;
}

export const RTT_APART_DEFAULTS: RttApartOptions = { warmupRounds: 2, rounds: 20, perRound: 50 };

type Name = 'raw-ws' | 'raw-ws+stub' | 'esphil-client+stub' | 'esphil';

/** `start` is forkDeviceProcess in `pnpm bench`; the smoke test passes startDevicesHere. */
export async function runRttApart(
  start: () => Promise<DeviceProcess>,
  opts: RttApartOptions = RTT_APART_DEFAULTS,
): Promise<{ rtt: Record<Name, Summary>; rows: ResultRow[] }> {
  const devices = await start();
  const raw = await openRaw(devices.urls.echo);
  const rawStub = await openRaw(devices.urls.stub, { skipFirst: true });
  const stubClient = await connect(devices.urls.stub, { reconnect: false });
  const client = await connect(devices.urls.sim, { reconnect: false });
  let id = 0;
  let on = false;
  const flip = (): boolean => {
    on = !on;
    return on;
  };
  const timed = async (f: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  try {
    const m = await interleave(
      [
        { name: 'raw-ws', sample: () => timed(() => rawRoundTrip(raw, ledSetFrame(++id, flip()))) },
        {
          name: 'raw-ws+stub',
          sample: () => timed(() => rawRoundTrip(rawStub, ledSetFrame(++id, flip()))),
        },
        { name: 'esphil-client+stub', sample: () => timed(() => stubClient.ledSet(LED, flip())) },
        { name: 'esphil', sample: () => timed(() => client.ledSet(LED, flip())) },
      ],
      opts,
    );
    const s = (k: Name): Summary => summarize(m.get(k) ?? []);
    const rtt: Record<Name, Summary> = {
      'raw-ws': s('raw-ws'),
      'raw-ws+stub': s('raw-ws+stub'),
      'esphil-client+stub': s('esphil-client+stub'),
      esphil: s('esphil'),
    };
    const scenario = '1 command round trip';
    const echo = { name: 'raw ws echo p50, device in its own process', value: rtt['raw-ws'].p50 };
    const vsEcho = (name: Name, what: string): ResultRow =>
      row({
        scenario,
        metric: `device in its own process (context): ${what} p50`,
        value: rtt[name].p50,
        unit: 'ms',
        n: rtt[name].n,
        baseline: echo,
      });
    const rows = [
      vsEcho('esphil', 'esphil client+sim RTT'),
      vsEcho('raw-ws+stub', 'protocol floor (raw ws client + stub device)'),
      vsEcho('esphil-client+stub', 'esphil client + stub device'),
    ];
    return { rtt, rows };
  } finally {
    await client.close();
    await stubClient.close();
    await closeRaw(rawStub);
    await closeRaw(raw);
    await devices.close();
  }
}
