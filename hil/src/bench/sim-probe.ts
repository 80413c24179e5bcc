import { resolve as resolvePath } from 'node:path';

/** The bench file's `sim.probe`: which probe firmware model the simulated bench runs. */
export interface SimProbeSection {
  /** Virtual probe boot: `firmata` (the real ~2.1 s) or `instant`; default: instant on latency "zero" only. */
  boot?: 'firmata' | 'instant';
  /** Run a real Firmata Intel HEX on an emulated ATmega328P instead of the virtual probe. */
  avr?: { hex?: string };
}

export interface ResolvedSimProbe {
  boot: 'firmata' | 'instant' | null;
  /** null: the virtual probe. `hex` null: the default StandardFirmata image. */
  avr: { hex: string | null } | null;
}

const KEYS = ['boot', 'avr'];
const BOOTS = ['firmata', 'instant'] as const;

type Issue = (path: string, message: string, hint: string) => void;
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate `sim.probe`; relative hex paths resolve against the bench file's folder. */
export function resolveSimProbe(input: unknown, dir: string, issue: Issue): ResolvedSimProbe {
  const out: ResolvedSimProbe = { boot: null, avr: null };
  if (input === undefined) return out;
  if (!isObj(input)) {
    issue('sim.probe', '"probe" must be an object', 'e.g. "probe": { "avr": {} }');
    return out;
  }
  for (const key of Object.keys(input)) {
    if (!KEYS.includes(key))
      issue(`sim.probe.${key}`, `unknown key "${key}"`, `known keys: ${KEYS.join(', ')}`);
  }
  if (input.boot !== undefined) {
    if (!BOOTS.includes(input.boot as (typeof BOOTS)[number])) {
      issue('sim.probe.boot', `boot must be one of ${BOOTS.join(', ')}`, 'e.g. "boot": "firmata"');
    } else out.boot = input.boot as ResolvedSimProbe['boot'];
  }
  if (input.avr !== undefined) {
    const avr = input.avr;
    if (!isObj(avr) || Object.keys(avr).some((k) => k !== 'hex')) {
      issue(
        'sim.probe.avr',
        '"avr" must be an object with an optional "hex" path',
        'e.g. "avr": { "hex": "fw.hex" }',
      );
    } else if (avr.hex !== undefined && (typeof avr.hex !== 'string' || avr.hex === '')) {
      issue('sim.probe.avr.hex', 'hex must be a path to an Intel HEX file', 'e.g. "StandardFirmata.hex"');
    } else out.avr = { hex: typeof avr.hex === 'string' ? resolvePath(dir, avr.hex) : null };
    if (out.avr && out.boot) {
      issue(
        'sim.probe.boot',
        'boot only applies to the virtual probe',
        'remove it: the AVR firmware boots itself',
      );
    }
  }
  return out;
}

/** The resolved section as @esphil/sim's startSimBench `probe` option. */
export function simProbeOptions(p: ResolvedSimProbe): {
  boot?: 'firmata' | 'instant';
  avr?: { hex?: string };
} {
  return {
    ...(p.boot ? { boot: p.boot } : {}),
    ...(p.avr ? { avr: p.avr.hex ? { hex: p.avr.hex } : {} } : {}),
  };
}
