import { parseArgs } from 'node:util';
import { FAULT_NAMES, parseFault } from '@esphil/sim';
import type { LatencyProfile } from '../bench/types';
import { HilError } from '../errors';
import { parseShard, type Shard } from '../run/shard';

export interface CliArgs {
  command: 'run' | 'doctor' | 'ports' | 'help';
  bench?: string;
  suites: string[];
  suiteDirs: string[];
  out?: string;
  retries: number;
  shard: Shard | null;
  simFaults: string[];
  latency?: LatencyProfile;
  json: boolean;
}

export const USAGE = `usage: hil [run] [--bench FILE] [--suite NAME...] [--suite-dir DIR...] [--out DIR] [--retries N]
               [--shard i/n] [--sim-fault NAME[:ARG]...] [--latency zero|wifi|wifi-powersave]
       hil doctor [--bench FILE] [--out DIR]
       hil ports [--json]
       hil history <report.json | folder | glob>... --out DIR [--nights N]   (nightly history page)

With no --bench, runs the simulated bench (hil/benches/sim.json).
Exit codes: 0 all passed, 1 a DUT test failed, 2 bench/infrastructure error.`;

const LATENCIES: readonly LatencyProfile[] = ['zero', 'wifi', 'wifi-powersave'];

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new HilError('bad_args', (e as Error).message, USAGE);
  }
  const { values, positionals } = parsed;
  const cmd = positionals[0] ?? 'run';
  if (!['run', 'doctor', 'ports', 'help'].includes(cmd) || positionals.length > 1) {
    throw new HilError('bad_args', `unknown command "${positionals.join(' ')}"`, USAGE);
  }
  const retries = values.retries === undefined ? 0 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new HilError(
      'bad_args',
      `--retries ${values.retries} is not a whole number 0..10`,
      'e.g. --retries 2',
    );
  }
  if (values.latency !== undefined && !(LATENCIES as readonly string[]).includes(values.latency)) {
    throw new HilError(
      'bad_args',
      `--latency ${values.latency} is not one of ${LATENCIES.join(', ')}`,
      USAGE,
    );
  }
  for (const f of values['sim-fault'] ?? []) checkSimFault(f);
  return {
    command: values.help ? 'help' : (cmd as CliArgs['command']),
    ...(values.bench ? { bench: values.bench } : {}),
    suites: (values.suite ?? []).flatMap((s) => s.split(',')).filter(Boolean),
    suiteDirs: values['suite-dir'] ?? [],
    ...(values.out ? { out: values.out } : {}),
    retries,
    shard: values.shard ? parseShard(values.shard) : null,
    simFaults: values['sim-fault'] ?? [],
    ...(values.latency ? { latency: values.latency as LatencyProfile } : {}),
    json: values.json ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      bench: { type: 'string' },
      suite: { type: 'string', multiple: true },
      'suite-dir': { type: 'string', multiple: true },
      out: { type: 'string' },
      retries: { type: 'string' },
      shard: { type: 'string' },
      'sim-fault': { type: 'string', multiple: true },
      latency: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** A bad --sim-fault is a usage error at once, not a bench error after the bench has been set up. */
function checkSimFault(spec: string): void {
  try {
    parseFault(spec);
  } catch (e) {
    throw new HilError(
      'bad_args',
      `--sim-fault ${spec}: ${(e as Error).message}`,
      `known faults: ${FAULT_NAMES.join(', ')} (e.g. --sim-fault pwm-offset:5)`,
    );
  }
}
