/**
 * Scenario 4: the validating codec (@esphil/protocol) against plain JSON.parse / JSON.stringify on the same
 * messages (protocol's SAMPLE_* set: what a client and a device see most). Throughput per batch, batches
 * interleaved, median over batches.
 */
import {
  type DeviceMessage,
  decodeDeviceMessage,
  decodeRequest,
  encodeMessage,
  type Request,
  SAMPLE_DEVICE_MESSAGES,
  SAMPLE_REQUESTS,
} from '@esphil/protocol';
import { interleave } from '../interleave';
import { type ResultRow, row } from '../result';
import { median } from '../stats';

export interface CodecOptions {
  warmupRounds: number;
  rounds: number;
  /** Passes over the message set per timed batch. */
  passes: number;
}

export const CODEC_DEFAULTS: CodecOptions = { warmupRounds: 5, rounds: 30, passes: 2_000 };

export interface CodecResult {
  /** Median msgs/s per variant. */
  rates: Record<string, number>;
  rows: ResultRow[];
}

/** Keeps results observable so the JIT cannot drop the work. */
let sink = 0;

function rate(count: number, fn: () => void): number {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  return (count / ms) * 1000;
}

export async function runCodec(opts: CodecOptions = CODEC_DEFAULTS): Promise<CodecResult> {
  const deviceTexts = SAMPLE_DEVICE_MESSAGES.map((m) => JSON.stringify(m));
  const requestTexts = SAMPLE_REQUESTS.map((m) => JSON.stringify(m));
  const texts = [...deviceTexts, ...requestTexts];
  const messages: (DeviceMessage | Request)[] = [...SAMPLE_DEVICE_MESSAGES, ...SAMPLE_REQUESTS];
  const n = texts.length * opts.passes;
  const m = await interleave(
    [
      {
        name: 'decode validated',
        sample: async () =>
          rate(n, () => {
            for (let p = 0; p < opts.passes; p++) {
              for (const t of deviceTexts) sink += decodeDeviceMessage(t).ok ? 1 : 0;
              for (const t of requestTexts) sink += decodeRequest(t).ok ? 1 : 0;
            }
          }),
      },
      {
        name: 'JSON.parse',
        sample: async () =>
          rate(n, () => {
            for (let p = 0; p < opts.passes; p++) {
              for (const t of texts) sink += JSON.parse(t) ? 1 : 0;
            }
          }),
      },
      {
        name: 'encode',
        sample: async () =>
          rate(n, () => {
            for (let p = 0; p < opts.passes; p++)
              for (const msg of messages) sink += encodeMessage(msg).length;
          }),
      },
      {
        name: 'JSON.stringify',
        sample: async () =>
          rate(n, () => {
            for (let p = 0; p < opts.passes; p++)
              for (const msg of messages) sink += JSON.stringify(msg).length;
          }),
      },
    ],
    { warmupRounds: opts.warmupRounds, rounds: opts.rounds, perRound: 1 },
  );
  if (sink === -1) console.log(sink);
  const rates: Record<string, number> = {};
  for (const [k, v] of m) rates[k] = median(v);
  const scenario = '4 codec';
  const dec = rates['decode validated'] ?? Number.NaN;
  const parse = rates['JSON.parse'] ?? Number.NaN;
  const enc = rates.encode ?? Number.NaN;
  const str = rates['JSON.stringify'] ?? Number.NaN;
  return {
    rates,
    rows: [
      row({
        scenario,
        metric: 'validated decode throughput',
        value: dec,
        unit: 'msgs/s',
        n: opts.rounds,
        baseline: { name: 'JSON.parse', value: parse },
        target: '>= 40 % of JSON.parse (ratio >= 0.4)',
        met: dec >= 0.4 * parse,
      }),
      row({
        scenario,
        metric: 'encode throughput',
        value: enc,
        unit: 'msgs/s',
        n: opts.rounds,
        baseline: { name: 'JSON.stringify', value: str },
      }),
    ],
  };
}
