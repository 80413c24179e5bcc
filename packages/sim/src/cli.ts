/**
 * `esphil-sim`: a simulated bench (virtual ESP32 + Firmata probe + wiring) for app development and manual
 * poking. Prints one JSON line ({"url", "dutPty", "probePty"}) first, then human-readable status.
 * `runSimCli(argv)` is the same thing as a Node API (the bin only adds signal handling).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DeviceConfig, formatDiagnostic, validateConfig } from '@esphil/device-model';
import { SERIAL_BAUD } from '@esphil/protocol';
import { type SimBench, startSimBench } from './bench';
import { SimError } from './errors';
import { FAULT_CATALOG } from './faults/catalog';
import { parseFault } from './faults/parse';
import type { Fault } from './faults/types';
import { isLatencyProfileName, LATENCY_PROFILES, type LatencyProfileName } from './latency';
import { makePtyDir, type PtyBridge, requireSocat, startPtyBridge } from './pty';

export const DEFAULT_CLI_PORT = 8081;
export const DEFAULT_CLI_HOST = '127.0.0.1';
/** Firmata's default baud. */
export const PROBE_BAUD = 57_600;
/** A config file larger than this is refused before parsing. */
export const MAX_CONFIG_FILE_BYTES = 256 * 1024;

export interface SimCliArgs {
  host: string;
  port: number;
  config?: DeviceConfig;
  configPath?: string;
  latency: LatencyProfileName;
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
  --config <file.json>   device config (default: the DOIT DevKit V1 starter config)
  --latency <profile>    ${LATENCY_PROFILES.join(' | ')} (default wifi)
  --fault <name[:arg]>   inject a fault; repeatable (see below)
  --token <token>        require {"op":"auth","token":...} first
  --pty                  expose the DUT console and the probe as pseudo-terminals (needs socat)
  --seed <n>             seed for latency, noise and fault dice
  -h, --help             this text

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
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SimError('bad_config', `--config ${path}: not valid JSON (${(e as Error).message})`);
  }
  const { config, diagnostics } = validateConfig(json);
  if (!config) {
    const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    throw new SimError('bad_config', `--config ${path}: invalid device config:\n  ${errors.join('\n  ')}`);
  }
  return config as DeviceConfig;
}

/** Parses argv (without node and script); throws SimError (code bad_option / fault_* / bad_config). */
export function parseSimArgs(argv: readonly string[]): SimCliArgs {
  const args: SimCliArgs = {
    host: DEFAULT_CLI_HOST,
    port: DEFAULT_CLI_PORT,
    latency: 'wifi',
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
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) {
          throw new SimError('bad_option', `--port ${v}: must be a whole number 0..65535`);
        }
        args.port = n;
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
}

export interface RunningSim {
  bench: SimBench;
  /** First JSON line's content. */
  info: { url: string; dutPty: string | null; probePty: string | null };
  stop(): Promise<void>;
}

const defaultIo: SimCliIo = {
  stdout: (l) => process.stdout.write(`${l}\n`),
  stderr: (l) => process.stderr.write(`${l}\n`),
};

/**
 * Starts the bench as the CLI would. Resolves once it is up and the JSON line is printed; null when only
 * help was asked for. Throws SimError on bad arguments, a missing socat with --pty, or a busy port.
 */
export async function runSimCli(
  argv: readonly string[],
  io: SimCliIo = defaultIo,
): Promise<RunningSim | null> {
  const args = parseSimArgs(argv);
  if (args.help) {
    io.stdout(SIM_CLI_USAGE);
    return null;
  }
  if (args.pty) requireSocat();
  let bench: SimBench;
  try {
    bench = await startSimBench({
      config: args.config,
      latency: args.latency,
      faults: args.faults,
      host: args.host,
      port: args.port,
      token: args.token,
      seed: args.seed,
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new SimError(
        'bad_option',
        `port ${args.port} on ${args.host} is in use: pick another with --port (0 = any)`,
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
    dutPty: bridges[0]?.linkPath ?? null,
    probePty: bridges[1]?.linkPath ?? null,
  };
  io.stdout(JSON.stringify(info));
  const cfg = bench.dut.config;
  io.stdout(
    `esphil-sim: virtual ESP32 (${cfg.board}) device ${bench.dut.deviceId}, boot ${bench.dut.bootId}`,
  );
  io.stdout(`  WebSocket  ${bench.url}${args.token ? ' (token required)' : ''}`);
  io.stdout(`  latency    ${args.latency}`);
  io.stdout(`  faults     ${args.faults.length ? args.faults.map((f) => f.name).join(', ') : 'none'}`);
  if (bridges.length) {
    io.stdout(`  DUT pty    ${bridges[0]!.linkPath} (${SERIAL_BAUD} baud; DTR/RTS do not cross a pty)`);
    io.stdout(`  probe pty  ${bridges[1]!.linkPath} (Firmata, ${PROBE_BAUD} baud)`);
  }
  io.stdout('Ctrl-C to stop.');
  const onReady = (r: { boot: string; url: string | null }): void =>
    io.stdout(`DUT ready: boot ${r.boot}${r.url ? ` at ${r.url}` : ' (no WiFi)'}`);
  const onReset = (r: { reason: string; mode: string }): void =>
    io.stdout(`DUT reset (${r.reason})${r.mode === 'download' ? ': download mode' : ''}`);
  bench.dut.on('ready', onReady);
  bench.dut.on('reset', onReset);

  let stopped = false;
  return {
    bench,
    info,
    async stop() {
      if (stopped) return;
      stopped = true;
      bench.dut.off('ready', onReady);
      bench.dut.off('reset', onReset);
      await Promise.all(bridges.map((b) => b.close()));
      ptyDir?.cleanup();
      await bench.close();
      io.stdout('esphil-sim: stopped.');
    },
  };
}
