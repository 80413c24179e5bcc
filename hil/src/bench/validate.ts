import { resolve as resolvePath } from 'node:path';
import type { DeviceConfig, ProbeBoardId, Wire } from '@esphil/device-model';
import { unknownKeyHint, validateConfig } from '@esphil/device-model';
import { type ResolvedDutProtocol, resolveDutProtocol, resolveSimFirmware } from '../dut/bench';
import { canonicalPort } from '../lock/canonical';
import {
  DEFAULT_DUT_BAUD,
  DEFAULT_PROBE_BAUD,
  DEFAULT_TIMEOUTS,
  DEFAULT_TOLERANCES,
  MAX_TIMER_MS,
} from './defaults';
import { firmwareSection } from './firmware';
import { resolveSimProbe } from './sim-probe';
import type {
  BenchIssue,
  BenchKind,
  LatencyProfile,
  PortMatch,
  ResetMethod,
  ResolvedBench,
  SimBackend,
  SimBody,
  TimeoutsSection,
  WiringSection,
} from './types';

const KINDS: readonly BenchKind[] = ['sim', 'sim-pty', 'hardware'];
const RESETS: readonly ResetMethod[] = ['esptool', 'none', 'sim'];
const SIM_BACKENDS: readonly SimBackend[] = ['ts', 'native'];
const SIM_BODIES: readonly SimBody[] = ['ts', 'native'];
const SIM_KEYS = ['latency', 'faults', 'seed', 'backend', 'body', 'executable', 'probe', 'firmware'];
const LATENCIES: readonly LatencyProfile[] = ['zero', 'wifi', 'wifi-powersave'];
const PROBE_BOARDS: readonly ProbeBoardId[] = ['arduino-uno', 'arduino-zero'];
const WIRE_KINDS = ['digital', 'rc', 'drive', 'analog-drive'] as const;
const TOP_KEYS = [
  'name',
  'kind',
  'dut',
  'probe',
  'wiring',
  'firmware',
  'improv',
  'tolerances',
  'timeouts',
  'device',
  'sim',
  '$schema',
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ResolveBenchOptions {
  /** Bench file path, for messages and relative paths. */
  file?: string | null;
  dir?: string;
  /** Device config already loaded from a `device: "<path>"` reference. */
  loadedDevice?: unknown;
}

export interface ResolveBenchResult {
  bench?: ResolvedBench;
  issues: BenchIssue[];
}

/** Validates a parsed bench file and applies defaults. Never throws: every problem is an issue with a path and a fix. */
export function resolveBench(input: unknown, opts: ResolveBenchOptions = {}): ResolveBenchResult {
  const issues: BenchIssue[] = [];
  const issue = (path: string, message: string, hint: string) => issues.push({ path, message, hint });
  if (!isObj(input)) {
    issue(
      '',
      'the bench file must be an object',
      'start from hil/benches/sim.json or devkit-v1.example.json',
    );
    return { issues };
  }
  for (const key of Object.keys(input)) {
    if (!TOP_KEYS.includes(key)) issue(key, `unknown key "${key}"`, unknownKeyHint(key, TOP_KEYS));
  }
  const kind = oneOf(input.kind ?? 'hardware', KINDS, 'kind', issue) ?? 'hardware';
  const simLike = kind !== 'hardware';

  // dut
  const dutIn = input.dut;
  let dut: ResolvedBench['dut'] | undefined;
  let dutPort: PortMatch | undefined;
  let dutProtocol: ResolvedDutProtocol | undefined;
  if (!isObj(dutIn)) {
    issue(
      'dut',
      'missing "dut" section',
      'add "dut": { "port": "/dev/ttyUSB0" } (or { "vendorId": "10c4", "productId": "ea60" })',
    );
  } else {
    const port = portMatch(dutIn.port, 'dut.port', issue);
    dutPort = port;
    const baud = positiveInt(
      dutIn.baud ?? DEFAULT_DUT_BAUD,
      'dut.baud',
      issue,
      'ESP32 consoles run at 115200',
    );
    const reset =
      oneOf(dutIn.reset ?? (simLike ? 'sim' : 'esptool'), RESETS, 'dut.reset', issue) ?? 'esptool';
    if (reset === 'sim' && kind === 'hardware') {
      issue(
        'dut.reset',
        'reset "sim" only works on a simulated bench',
        'use "esptool" (DTR/RTS auto-reset) or "none"',
      );
    }
    const url = dutIn.url ?? 'discover';
    if (typeof url !== 'string' || (url !== 'discover' && !/^wss?:\/\/[^\s]+$/.test(url))) {
      issue(
        'dut.url',
        `"${String(url)}" is not a ws:// URL`,
        'write "ws://<ip>:81/" or "discover" (taken from the serial ready line)',
      );
    }
    if (dutIn.token !== undefined && typeof dutIn.token !== 'string') {
      issue(
        'dut.token',
        'token must be a string',
        'write the token the firmware was built with, or remove the key',
      );
    }
    dutProtocol = resolveDutProtocol(dutIn, opts.dir ?? process.cwd(), issue);
    if (port && baud !== undefined) {
      dut = {
        port,
        baud,
        reset,
        url: String(url),
        token: typeof dutIn.token === 'string' ? dutIn.token : null,
        ...dutProtocol,
      };
    }
  }

  // probe
  const probeIn = input.probe;
  let probe: ResolvedBench['probe'] | undefined;
  if (!isObj(probeIn)) {
    issue(
      'probe',
      'missing "probe" section',
      'add "probe": { "port": "/dev/ttyACM0", "board": "arduino-zero" }',
    );
  } else {
    const port = portMatch(probeIn.port, 'probe.port', issue);
    samePort(dutPort, port, issue);
    const board = oneOf(probeIn.board, PROBE_BOARDS, 'probe.board', issue);
    let vref: number | null = null;
    if (probeIn.vref !== undefined) {
      if (typeof probeIn.vref !== 'number' || !(probeIn.vref > 0 && probeIn.vref <= 5.5)) {
        issue(
          'probe.vref',
          `vref ${String(probeIn.vref)} is not a voltage`,
          'use the ADC reference in volts, e.g. 3.3 or 5',
        );
      } else vref = probeIn.vref;
    }
    const baud = positiveInt(
      probeIn.baud ?? DEFAULT_PROBE_BAUD,
      'probe.baud',
      issue,
      'StandardFirmata runs at 57600',
    );
    if (port && board && baud !== undefined) probe = { port, board, vref, baud };
  }

  // wiring
  let wiring: WiringSection | null = null;
  if (input.wiring === undefined) {
    if (!simLike)
      issue(
        'wiring',
        'a hardware bench needs a "wiring" section',
        'list every wire: see the wiring table in hil/README.md',
      );
  } else wiring = wiringSection(input.wiring, issue);

  // firmware
  const firmware = input.firmware === undefined ? null : firmwareSection(input.firmware, kind, issue);

  // improv
  let improv: ResolvedBench['improv'] = null;
  if (input.improv !== undefined) {
    const i = input.improv;
    if (!isObj(i) || typeof i.ssid !== 'string' || i.ssid === '' || typeof i.password !== 'string') {
      issue(
        'improv',
        'improv needs "ssid" and "password" strings',
        'e.g. "improv": { "ssid": "bench-ap", "password": "..." }',
      );
    } else improv = { ssid: i.ssid, password: i.password };
  }

  const tolerances = { ...DEFAULT_TOLERANCES };
  numberSection(input.tolerances, 'tolerances', tolerances, issue);
  const timeouts: Required<TimeoutsSection> = { ...DEFAULT_TIMEOUTS };
  numberSection(input.timeouts, 'timeouts', timeouts, issue, MAX_TIMER_MS);

  // device config
  let device: DeviceConfig | null = null;
  const devIn = typeof input.device === 'string' ? opts.loadedDevice : input.device;
  if (devIn !== undefined) {
    const { config, diagnostics } = validateConfig(devIn);
    for (const d of diagnostics) {
      if (d.severity === 'error') issue(`device.${d.path}`.replace(/\.$/, ''), d.message, d.hint);
    }
    if (config) device = devIn as DeviceConfig;
  } else if (!simLike) {
    issue(
      'device',
      'a hardware bench needs the device config the firmware was built from',
      'add "device": "./device.json"',
    );
  }

  // sim
  const sim: ResolvedBench['sim'] = {
    latency: 'zero',
    faults: [],
    seed: null,
    backend: 'ts',
    body: null,
    executable: null,
    probe: { boot: null, avr: null },
    firmware: 'esphil',
  };
  if (input.sim !== undefined) {
    if (!isObj(input.sim)) issue('sim', '"sim" must be an object', 'e.g. "sim": { "latency": "zero" }');
    else {
      // A misspelt key would silently fall back to a default (e.g. the TS backend instead of the firmware's).
      for (const key of Object.keys(input.sim)) {
        if (!SIM_KEYS.includes(key))
          issue(`sim.${key}`, `unknown key "${key}"`, unknownKeyHint(key, SIM_KEYS));
      }
      sim.backend = oneOf(input.sim.backend ?? 'ts', SIM_BACKENDS, 'sim.backend', issue) ?? 'ts';
      if (input.sim.body !== undefined) {
        sim.body = oneOf(input.sim.body, SIM_BODIES, 'sim.body', issue) ?? null;
        if (input.sim.backend !== undefined)
          issue(
            'sim.body',
            'a body is the whole device (connection code and console included): it replaces the backend',
            'keep one of "backend" and "body"',
          );
      }
      if (input.sim.executable !== undefined) {
        if (typeof input.sim.executable !== 'string' || input.sim.executable === '') {
          issue('sim.executable', 'executable must be a path', 'e.g. "../apps/firmware/build/esphil-native"');
        } else if (sim.backend !== 'native' && sim.body !== 'native') {
          issue(
            'sim.executable',
            'executable only applies to the native backend or body',
            'add "body": "native" or remove it',
          );
        } else sim.executable = resolvePath(opts.dir ?? process.cwd(), input.sim.executable);
      }
      sim.latency = oneOf(input.sim.latency ?? 'zero', LATENCIES, 'sim.latency', issue) ?? 'zero';
      sim.probe = resolveSimProbe(input.sim.probe, opts.dir ?? process.cwd(), issue);
      const faults = input.sim.faults ?? [];
      if (!Array.isArray(faults) || !faults.every((f) => typeof f === 'string')) {
        issue('sim.faults', 'faults must be an array of names', 'e.g. ["pwm-offset:5"]');
      } else sim.faults = faults as string[];
      if (input.sim.seed !== undefined) {
        if (typeof input.sim.seed !== 'number' || !Number.isInteger(input.sim.seed)) {
          issue('sim.seed', 'seed must be an integer', 'remove it for a random seed');
        } else sim.seed = input.sim.seed;
      }
    }
  }
  sim.firmware = resolveSimFirmware(
    isObj(input.sim) ? input.sim.firmware : undefined,
    kind,
    dutProtocol,
    sim,
    issue,
  );

  const name = typeof input.name === 'string' && input.name !== '' ? input.name : (opts.file ?? kind);
  if (issues.length > 0 || !dut || !probe) return { issues };
  return {
    issues,
    bench: {
      name,
      kind,
      dir: opts.dir ?? process.cwd(),
      file: opts.file ?? null,
      dut,
      probe,
      wiring,
      firmware,
      improv,
      tolerances,
      timeouts,
      device,
      sim,
    },
  };
}

type IssueFn = (path: string, message: string, hint: string) => void;

function oneOf<T extends string>(
  v: unknown,
  allowed: readonly T[],
  path: string,
  issue: IssueFn,
): T | undefined {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  issue(
    path,
    `${JSON.stringify(v) ?? 'nothing'} is not one of ${allowed.join(', ')}`,
    `set ${path} to one of: ${allowed.join(', ')}`,
  );
  return undefined;
}

function positiveInt(v: unknown, path: string, issue: IssueFn, hint: string): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  issue(path, `${JSON.stringify(v)} is not a positive integer`, hint);
  return undefined;
}

/**
 * The DUT and the probe on one serial port is a bench-file mistake (a copy-paste), not a lock held "by pid <self>"
 * at run time. Paths are compared canonically (a /dev/serial/by-id/ link and its /dev/ttyUSB target are one port);
 * ports matched by USB ids are resolved only at run time and are not compared here.
 */
function samePort(dut: PortMatch | undefined, probe: PortMatch | undefined, issue: IssueFn): void {
  if (!dut?.path || !probe?.path) return;
  const a = canonicalPort(dut.path);
  if (a !== canonicalPort(probe.path)) return;
  const shown = dut.path === probe.path ? `"${dut.path}"` : `"${dut.path}" and "${probe.path}" (both ${a})`;
  issue(
    'probe.port',
    `dut.port and probe.port are the same serial port: ${shown}`,
    'the DUT and the probe each need their own USB serial port: `hil ports` lists them',
  );
}

const HEX4 = /^[0-9a-fA-F]{4}$/;
function portMatch(v: unknown, path: string, issue: IssueFn): PortMatch | undefined {
  if (typeof v === 'string' && v !== '') return { path: v };
  if (isObj(v)) {
    const m: PortMatch = {};
    for (const key of ['path', 'vendorId', 'productId', 'serialNumber'] as const) {
      const x = v[key];
      if (x === undefined) continue;
      if (typeof x !== 'string' || x === '')
        issue(`${path}.${key}`, `${key} must be a non-empty string`, 'see `hil ports` for the values');
      else if ((key === 'vendorId' || key === 'productId') && !HEX4.test(x)) {
        issue(
          `${path}.${key}`,
          `${key} "${x}" is not 4 hex digits`,
          'write it as `hil ports` shows it, e.g. "10c4"',
        );
      } else m[key] = key === 'vendorId' || key === 'productId' ? x.toLowerCase() : x;
    }
    for (const key of Object.keys(v)) {
      if (!['path', 'vendorId', 'productId', 'serialNumber'].includes(key)) {
        issue(`${path}.${key}`, `unknown key "${key}"`, 'use path, vendorId, productId or serialNumber');
      }
    }
    if (Object.keys(m).length === 0) {
      issue(
        path,
        'the port matches nothing',
        'give a path or a vendorId/productId (and serialNumber to tell twins apart)',
      );
      return undefined;
    }
    return m;
  }
  issue(
    path,
    'missing serial port',
    'write a path ("/dev/ttyUSB0") or { "vendorId": "10c4", "productId": "ea60" }; `hil ports` lists them',
  );
  return undefined;
}

/** Waits, not timeouts: 0 means "do not wait" (the default), so it is a meaningful value there. */
const ZERO_MEANS_NO_WAIT: ReadonlySet<string> = new Set(['lockMs']);

function numberSection<T extends Record<string, number>>(
  v: unknown,
  path: string,
  target: T,
  issue: IssueFn,
  /** Timeouts: (0, max]; without it, any non-negative number. */
  timerMax?: number,
): void {
  if (v === undefined) return;
  if (!isObj(v)) {
    issue(path, `"${path}" must be an object`, `e.g. "${path}": {}`);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (!(k in target)) {
      issue(`${path}.${k}`, `unknown key "${k}"`, unknownKeyHint(k, Object.keys(target)));
    } else if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
      issue(
        `${path}.${k}`,
        `${JSON.stringify(x)} is not a non-negative number`,
        'milliseconds / counts as a plain number',
      );
    } else if (timerMax !== undefined && ((x === 0 && !ZERO_MEANS_NO_WAIT.has(k)) || x > timerMax)) {
      issue(
        `${path}.${k}`,
        `${x} ms is outside (0, ${timerMax}]${ZERO_MEANS_NO_WAIT.has(k) ? ' (0 = do not wait)' : ''}`,
        // Node timers fire at once for 0 and past 2^31-1 ms (with a warning): neither is what a bench means.
        'give a positive number of milliseconds up to 2147483647 (about 24.8 days)',
      );
    } else (target as Record<string, number>)[k] = x;
  }
}

function wiringSection(v: unknown, issue: IssueFn): WiringSection | null {
  if (!isObj(v) || !Array.isArray(v.wires)) {
    issue(
      'wiring',
      'wiring needs a "wires" array',
      'e.g. "wiring": { "wires": [{ "kind": "digital", "name": "status LED", "dutPin": 2, "probePin": 2 }] }',
    );
    return null;
  }
  const wires: Wire[] = [];
  const names = new Set<string>();
  for (const [i, w] of (v.wires as unknown[]).entries()) {
    const p = `wiring.wires[${i}]`;
    if (!isObj(w)) {
      issue(p, 'a wire must be an object', 'see the wiring table in hil/README.md');
      continue;
    }
    const kind = oneOf(w.kind, WIRE_KINDS, `${p}.kind`, issue);
    if (typeof w.name !== 'string' || w.name === '')
      issue(`${p}.name`, 'every wire needs a name', 'e.g. "status LED"; messages name wires by it');
    else if (names.has(w.name))
      issue(`${p}.name`, `wire name "${w.name}" is used twice`, 'give every wire its own name');
    else names.add(w.name);
    const pin = (key: string) => {
      const x = w[key];
      if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 127) return x;
      issue(
        `${p}.${key}`,
        `${key} ${JSON.stringify(x)} is not a pin number`,
        'write the GPIO / Firmata pin number',
      );
      return -1;
    };
    const rc = () => {
      for (const key of ['r', 'c']) {
        const x = w[key];
        if (typeof x !== 'number' || !(x > 0)) {
          issue(
            `${p}.${key}`,
            `${key} must be a positive number`,
            key === 'r' ? 'ohms, e.g. 10000' : 'farads, e.g. 10e-6',
          );
        }
      }
      return { r: Number(w.r), c: Number(w.c) };
    };
    if (!kind) continue;
    const name = String(w.name);
    if (kind === 'digital') wires.push({ kind, name, dutPin: pin('dutPin'), probePin: pin('probePin') });
    else if (kind === 'drive') wires.push({ kind, name, dutPin: pin('dutPin'), probePin: pin('probePin') });
    else if (kind === 'rc')
      wires.push({ kind, name, dutPin: pin('dutPin'), probeAnalog: pin('probeAnalog'), ...rc() });
    else wires.push({ kind, name, dutPin: pin('dutPin'), probePin: pin('probePin'), ...rc() });
  }
  if (v.dutVcc !== undefined && (typeof v.dutVcc !== 'number' || !(v.dutVcc > 0))) {
    issue('wiring.dutVcc', 'dutVcc must be a voltage', '3.3 for an ESP32');
  }
  return { dutVcc: typeof v.dutVcc === 'number' ? v.dutVcc : 3.3, wires };
}

export function formatIssues(issues: readonly BenchIssue[], file?: string | null): string {
  const head = file ? `bench file ${file} is invalid:` : 'bench file is invalid:';
  return [head, ...issues.map((i) => `  ${i.path || '(root)'}: ${i.message} -> ${i.hint}`)].join('\n');
}
