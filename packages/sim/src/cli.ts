/**
 * `esphil-sim`: a simulated bench (virtual ESP32 + Firmata probe + wiring) for app development and manual
 * poking. Prints one JSON line ({"url", "dutPty", "probePty"}) first, then human-readable status.
 * `runSimCli(argv)` is the same thing as a Node API (the bin only adds signal handling).
 */
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { type DeviceConfig, formatDiagnostic, validateConfig } from '@esphil/device-model';
import { SERIAL_BAUD } from '@esphil/protocol';
import { parse as parseYaml } from 'yaml';
import { type SimBench, startSimBench } from './bench';
import { SimError } from './errors';
import { FAULT_CATALOG } from './faults/catalog';
import { parseFault } from './faults/parse';
import type { Fault } from './faults/types';
import { attachInputCommands, INPUT_COMMANDS_HELP } from './inputs/commands';
import { SENSOR_WAVE_PERIOD_MS } from './inputs/waveform';
import { isLatencyProfileName, LATENCY_PROFILES, type LatencyProfileName } from './latency';
import { makePtyDir, type PtyBridge, requireSocat, startPtyBridge } from './pty';
import { type RunningTutorialSim, runTutorialCli } from './tutorial/tutorial-cli';

export const DEFAULT_CLI_PORT = 8081;
export const DEFAULT_CLI_HOST = '127.0.0.1';
/** The board's page (the firmware's HTTP port 80; above 1023 so no privileges are needed). */
export const DEFAULT_CLI_HTTP_PORT = 8080;
/** Firmata's default baud. */
export const PROBE_BAUD = 57_600;
/** A config file larger than this is refused before parsing. */
export const MAX_CONFIG_FILE_BYTES = 256 * 1024;
/** YAML alias expansions allowed in a config file (a billion-laughs file is refused). */
export const MAX_CONFIG_ALIASES = 50;

export interface SimCliArgs {
  host: string;
  port: number;
  /** null = no HTTP page. */
  httpPort: number | null;
  config?: DeviceConfig;
  configPath?: string;
  latency: LatencyProfileName;
  /** What the simulated ESP32 runs: the esphil firmware (default) or the tutorial sketch. */
  firmware: 'esphil' | 'tutorial';
  /** Sensors follow the waveform (default) or only their wires from the probe. */
  sensor: 'wave' | 'probe';
  faults: Fault[];
  token?: string;
  pty: boolean;
  seed?: number;
  help: boolean;
}

export const SIM_CLI_USAGE = `Usage: esphil-sim [options]

Starts a simulated ESP32 bench: a virtual DUT with a WebSocket server, a virtual Firmata probe, virtual wiring.

Options:
  --host <addr>          listen address (default ${DEFAULT_CLI_HOST})
  --port <n>             WebSocket port (default ${DEFAULT_CLI_PORT}; 0 = any free port)
  --http-port <n|off>    the board's page (default ${DEFAULT_CLI_HTTP_PORT}; 0 = any free port; off = none)
  --config <file>        device config, JSON or YAML (.yaml/.yml; default: the DOIT DevKit V1 starter)
  --latency <profile>    ${LATENCY_PROFILES.join(' | ')} (default wifi)
  --firmware <name>      esphil (default) | tutorial: the tutorial sketch (text LED ON / LED OFF only)
  --sensor wave|probe    sensors follow a ${SENSOR_WAVE_PERIOD_MS / 1000} s sine (default) or only the probe's wires
  --fault <name[:arg]>   inject a fault; repeatable (see below)
  --token <token>        require {"op":"auth","token":...} first
  --pty                  expose the DUT console and the probe as pseudo-terminals (needs socat)
  --seed <n>             seed for latency, noise and fault dice
  -h, --help             this text

Commands on stdin, one per line, while it runs:
${INPUT_COMMANDS_HELP.split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}

Faults:
${FAULT_CATALOG.map((f) => `  ${(f.arg === 'none' ? f.name : `${f.name}:<${f.arg}>`).padEnd(22)} ${f.description}`).join('\n')}
`;

function loadConfig(path: string): DeviceConfig {
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_CONFIG_FILE_BYTES) {
      throw new SimError(
        'bad_config',
        `--config ${path}: file is larger than ${MAX_CONFIG_FILE_BYTES} bytes`,
      );
    }
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof SimError) throw e;
    throw new SimError('bad_config', `--config ${path}: cannot read the file (${(e as Error).message})`);
  }
  const yaml = ['.yaml', '.yml'].includes(extname(path).toLowerCase());
  let json: unknown;
  try {
    // The YAML firmware-config init writes; aliases bounded (the yaml package's default is 100 per document).
    json = yaml ? parseYaml(text, { maxAliasCount: MAX_CONFIG_ALIASES }) : JSON.parse(text);
  } catch (e) {
    const what = yaml ? 'YAML' : 'JSON';
    throw new SimError('bad_config', `--config ${path}: not valid ${what} (${(e as Error).message})`);
  }
  const { config, diagnostics } = validateConfig(json);
  if (!config) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new SimError('bad_config', `--config ${path}: invalid device config:\n  ${errors.join('\n  ')}`);
  }
  return config as DeviceConfig;
}

function portValue(flag: string, v: string): number {
  const n = Number(v);
  if (v === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new SimError('bad_option', `${flag} ${v}: must be a whole number 0..65535`);
  }
  return n;
}

/** Parses argv (without node and script); throws SimError (code bad_option / fault_* / bad_config). */
export function parseSimArgs(argv: readonly string[]): SimCliArgs {
  const args: SimCliArgs = {
    host: DEFAULT_CLI_HOST,
    port: DEFAULT_CLI_PORT,
    httpPort: DEFAULT_CLI_HTTP_PORT,
    latency: 'wifi',
    firmware: 'esphil',
    sensor: 'wave',
    faults: [],
    pty: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new SimError('bad_option', `${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--host':
        args.host = value();
        break;
      case '--port':
        args.port = portValue(flag, value());
        break;
      case '--http-port': {
        const v = value();
        args.httpPort = v === 'off' ? null : portValue(flag, v);
        break;
      }
      case '--config':
        args.configPath = value();
        args.config = loadConfig(args.configPath);
        break;
      case '--latency': {
        const v = value();
        if (!isLatencyProfileName(v)) {
          throw new SimError(
            'bad_option',
            `--latency ${v}: unknown profile; use ${LATENCY_PROFILES.join(', ')}`,
          );
        }
        args.latency = v;
        break;
      }
      case '--firmware': {
        const v = value();
        if (v !== 'esphil' && v !== 'tutorial') {
          throw new SimError('bad_option', `--firmware ${v}: use esphil or tutorial`);
        }
        args.firmware = v;
        break;
      }
      case '--sensor': {
        const v = value();
        if (v !== 'wave' && v !== 'probe')
          throw new SimError('bad_option', `--sensor ${v}: use wave or probe`);
        args.sensor = v;
        break;
      }
      case '--fault':
        args.faults.push(parseFault(value()));
        break;
      case '--token':
        args.token = value();
        if (args.token === '') throw new SimError('bad_option', '--token must not be empty');
        break;
      case '--pty':
        args.pty = true;
        break;
      case '--seed': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n)) throw new SimError('bad_option', `--seed ${v}: must be a whole number`);
        args.seed = n;
        break;
      }
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new SimError('bad_option', `unknown option ${raw}; see esphil-sim --help`);
    }
  }
  return args;
}

export interface SimCliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Input commands (`button boot press`); answers go to stdout. Omitted = no commands. */
  stdin?: NodeJS.ReadableStream;
}

export interface RunningSim {
  firmware: 'esphil';
  bench: SimBench;
  /** First JSON line's content. */
  info: { url: string; pageUrl: string | null; dutPty: string | null; probePty: string | null };
  stop(): Promise<void>;
}

const defaultIo: SimCliIo = {
  stdout: (l) => process.stdout.write(`${l}\n`),
  stderr: (l) => process.stderr.write(`${l}\n`),
  stdin: process.stdin,
};

/**
 * Starts the bench as the CLI would. Resolves once it is up and the JSON line is printed; null when only
 * help was asked for. Throws SimError on bad arguments, a missing socat with --pty, or a busy port.
 */
export async function runSimCli(
  argv: readonly string[],
  io: SimCliIo = defaultIo,
): Promise<RunningSim | RunningTutorialSim | null> {
  const args = parseSimArgs(argv);
  if (args.help) {
    io.stdout(SIM_CLI_USAGE);
    return null;
  }
  if (args.firmware === 'tutorial') return runTutorialCli(args, io);
  if (args.pty) requireSocat();
  let bench: SimBench;
  try {
    bench = await startSimBench({
      config: args.config,
      latency: args.latency,
      faults: args.faults,
      host: args.host,
      port: args.port,
      httpPort: args.httpPort,
      sensorWave: args.sensor === 'wave',
      token: args.token,
      seed: args.seed,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new SimError(
        'bad_option',
        `a port on ${args.host} is in use (WebSocket ${args.port}, page ${args.httpPort ?? 'off'}): pick others with --port / --http-port (0 = any)`,
      );
    }
    if (code === 'EACCES') {
      throw new SimError(
        'bad_option',
        `no permission to listen on ${args.host}:${args.port}: use a port above 1023`,
      );
    }
    throw e;
  }

  const bridges: PtyBridge[] = [];
  let ptyDir: ReturnType<typeof makePtyDir> | null = null;
  try {
    if (args.pty) {
      ptyDir = makePtyDir();
      bridges.push(
        await startPtyBridge({
          binding: bench.binding,
          devicePath: bench.dutPath,
          linkPath: join(ptyDir.dir, 'dut'),
          baudRate: SERIAL_BAUD,
        }),
      );
      bridges.push(
        await startPtyBridge({
          binding: bench.binding,
          devicePath: bench.probePath,
          linkPath: join(ptyDir.dir, 'probe'),
          baudRate: PROBE_BAUD,
        }),
      );
    }
  } catch (e) {
    await Promise.all(bridges.map((b) => b.close()));
    ptyDir?.cleanup();
    await bench.close();
    throw e;
  }

  const info = {
    url: bench.url,
    pageUrl: bench.pageUrl,
    dutPty: bridges[0]?.linkPath ?? null,
    probePty: bridges[1]?.linkPath ?? null,
  };
  io.stdout(JSON.stringify(info));
  const cfg = bench.dut.config;
  io.stdout(
    `esphil-sim: virtual ESP32 (${cfg.board}) device ${bench.dut.deviceId}, boot ${bench.dut.bootId}`,
  );
  io.stdout(`  WebSocket  ${bench.url}${args.token ? ' (token required)' : ''}`);
  if (bench.pageUrl) io.stdout(`  page       ${bench.pageUrl} (open it in a browser)`);
  io.stdout(`  latency    ${args.latency}`);
  io.stdout(`  faults     ${args.faults.length ? args.faults.map((f) => f.name).join(', ') : 'none'}`);
  if (bridges.length) {
    io.stdout(`  DUT pty    ${bridges[0]!.linkPath} (${SERIAL_BAUD} baud; DTR/RTS do not cross a pty)`);
    io.stdout(`  probe pty  ${bridges[1]!.linkPath} (Firmata, ${PROBE_BAUD} baud)`);
  }
  const detachCommands = io.stdin ? attachInputCommands(bench.inputs, io.stdin, io.stdout) : () => {};
  if (io.stdin) io.stdout('Type help for input commands (button boot press, sensor 1.5). Ctrl-C to stop.');
  else io.stdout('Ctrl-C to stop.');
  const onReady = (r: { boot: string; url: string | null }): void =>
    io.stdout(`DUT ready: boot ${r.boot}${r.url ? ` at ${r.url}` : ' (no WiFi)'}`);
  const onReset = (r: { reason: string; mode: string }): void =>
    io.stdout(`DUT reset (${r.reason})${r.mode === 'download' ? ': download mode' : ''}`);
  bench.dut.on('ready', onReady);
  bench.dut.on('reset', onReset);

  let stopped = false;
  return {
    firmware: 'esphil',
    bench,
    info,
    async stop() {
      if (stopped) return;
      stopped = true;
      detachCommands();
      io.stdin?.pause();
      bench.dut.off('ready', onReady);
      bench.dut.off('reset', onReset);
      await Promise.all(bridges.map((b) => b.close()));
      ptyDir?.cleanup();
      await bench.close();
      io.stdout('esphil-sim: stopped.');
    },
  };
}
