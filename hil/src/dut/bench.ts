/** The bench file's DUT-protocol keys (dut.protocol, dut.adapter, dut.ready, sim.firmware), checked with fixes. */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { BenchKind, DutProtocol, ResolvedBench, SimFirmware } from '../bench/types';

type IssueFn = (path: string, message: string, hint: string) => void;
type Obj = Record<string, unknown>;

const PROTOCOLS: readonly DutProtocol[] = ['esphil', 'tutorial'];
const FIRMWARES: readonly SimFirmware[] = ['esphil', 'tutorial'];
/** Longest ready pattern a bench file may give: a line pattern, not a program. */
export const MAX_READY_PATTERN_CHARS = 512;

export type ResolvedDutProtocol = Pick<ResolvedBench['dut'], 'protocol' | 'adapter' | 'ready'>;

export function resolveDutProtocol(dut: Obj, dir: string, issue: IssueFn): ResolvedDutProtocol {
  const out: ResolvedDutProtocol = { protocol: 'esphil', adapter: null, ready: null };
  if (dut.protocol !== undefined) {
    if (typeof dut.protocol === 'string' && (PROTOCOLS as readonly string[]).includes(dut.protocol))
      out.protocol = dut.protocol as DutProtocol;
    else
      issue(
        'dut.protocol',
        `${JSON.stringify(dut.protocol)} is not a built-in DUT protocol`,
        `write one of ${PROTOCOLS.join(', ')}, or describe your firmware in an adapter module ("dut.adapter": "./my-dut.mjs")`,
      );
  }
  if (dut.adapter !== undefined) {
    if (typeof dut.adapter !== 'string' || dut.adapter === '') {
      issue(
        'dut.adapter',
        'adapter must be a module path',
        'e.g. "./my-dut.mjs", relative to the bench file',
      );
    } else if (dut.protocol !== undefined) {
      issue(
        'dut.adapter',
        'dut.adapter and dut.protocol both say what the DUT speaks',
        'keep one: the adapter module, or a built-in protocol',
      );
    } else {
      out.protocol = 'adapter';
      out.adapter = isAbsolute(dut.adapter) ? dut.adapter : resolvePath(dir, dut.adapter);
    }
  }
  if (dut.ready !== undefined) {
    const bad = readyPatternProblem(dut.ready);
    if (bad) issue('dut.ready', bad, 'write a JavaScript RegExp source, e.g. "IP address: (?<ip>\\\\S+)"');
    else if (out.protocol === 'esphil')
      issue(
        'dut.ready',
        'the esphil protocol has its own ready line (@esphil {"t":"ready"})',
        'remove dut.ready, or set dut.protocol / dut.adapter for firmware that does not speak esphil',
      );
    else out.ready = dut.ready as string;
  }
  return out;
}

function readyPatternProblem(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return 'ready must be a pattern string';
  if (v.length > MAX_READY_PATTERN_CHARS)
    return `ready is ${v.length} characters (limit ${MAX_READY_PATTERN_CHARS})`;
  try {
    new RegExp(v);
    return null;
  } catch (e) {
    return `ready is not a valid pattern: ${(e as Error).message}`;
  }
}

/** sim.firmware, defaulting from the protocol; the tutorial sketch cannot play an esphil DUT. */
export function resolveSimFirmware(
  value: unknown,
  kind: BenchKind,
  dut: ResolvedDutProtocol | undefined,
  sim: { backend: string; body: string | null; faults: readonly string[] },
  issue: IssueFn,
): SimFirmware {
  const fallback: SimFirmware = dut?.protocol === 'tutorial' ? 'tutorial' : 'esphil';
  if (value === undefined) return kind === 'hardware' ? 'esphil' : fallback;
  if (typeof value !== 'string' || !(FIRMWARES as readonly string[]).includes(value)) {
    issue(
      'sim.firmware',
      `${JSON.stringify(value)} is not a simulated firmware`,
      `write one of ${FIRMWARES.join(', ')}`,
    );
    return fallback;
  }
  const firmware = value as SimFirmware;
  if (firmware !== 'tutorial') return firmware;
  if (kind !== 'sim')
    issue('sim.firmware', `the tutorial sketch runs on kind "sim" only (${kind} given)`, 'set "kind": "sim"');
  if (dut?.protocol === 'esphil')
    issue(
      'dut.protocol',
      'the tutorial sketch does not speak the esphil protocol',
      'set "dut": { "protocol": "tutorial", ... } (or an adapter for it)',
    );
  if (sim.backend !== 'ts')
    issue(
      'sim.backend',
      'the backend runs the esphil firmware, not the tutorial sketch',
      'remove sim.backend',
    );
  if (sim.body !== null)
    issue('sim.body', 'a body runs the esphil firmware, not the tutorial sketch', 'remove sim.body');
  return firmware;
}
