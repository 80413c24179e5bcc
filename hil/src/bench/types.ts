import type { DeviceConfig, ImageRole, ProbeBoardId, Wire } from '@esphil/device-model';
import type { BenchFirmware, ExpectedIdentity } from '../flash/bench-section';
import type { ResolvedSimProbe, SimProbeSection } from './sim-probe';

/**
 * How the bench reaches its boards:
 * - `sim`: the simulated bench in this process (startSimBench), serial over the sim's virtual binding;
 * - `sim-pty`: the same sim exposed as socat pseudo-terminals, opened with the NATIVE serialport binding;
 * - `hardware`: real serial ports.
 */
export type BenchKind = 'sim' | 'sim-pty' | 'hardware';
export type ResetMethod = 'esptool' | 'none' | 'sim';
export type LatencyProfile = 'zero' | 'wifi' | 'wifi-powersave';

/** A serial port by path, or by USB identity (hex strings as serialport reports them). */
export interface PortMatch {
  path?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
}

export interface DutSection {
  port: string | PortMatch;
  baud?: number;
  reset?: ResetMethod;
  /** ws:// URL, or 'discover' to take it from the serial ready line. */
  url?: string;
  token?: string;
  /** What the firmware speaks (src/dut/): `esphil` (default) or `tutorial` (text LED ON / LED OFF only). */
  protocol?: DutProtocol;
  /** A DUT adapter module (path relative to the bench file) exporting a DutAdapter; instead of `protocol`. */
  adapter?: string;
  /** Ready pattern (a RegExp source) overriding the adapter's; non-esphil DUTs only. */
  ready?: string;
}
export interface ProbeSection {
  port: string | PortMatch;
  board: ProbeBoardId;
  /** ADC reference volts; defaults to the board profile's. */
  vref?: number;
  baud?: number;
}
export interface WiringSection {
  dutVcc?: number;
  wires: Wire[];
}
/**
 * The firmware section as written: exactly one image source and/or `expect` (hil/README.md "Firmware"). Paths are
 * relative to the bench file; offsets default by the board profile's chip. Validated by flash/bench-section.ts.
 */
export interface FirmwareSection {
  platformio?: { dir?: string; env: string; bootApp0?: string };
  flasherArgs?: string;
  images?: { offset?: string | number; file: string; role?: ImageRole }[];
  /** argv; `{port}`, `{baud}`, `{chip}` and `{benchDir}` are substituted; runs in the bench file's directory. */
  command?: string[];
  /** Sim benches: an image set built at run time (true, or the app identity to put in it). */
  generated?: true | { project?: string; version?: string };
  /** The identity the booted app must report (checked at the ready stage). */
  expect?: ExpectedIdentity;
}
export interface ImprovSection {
  ssid: string;
  password: string;
}
export interface TolerancesSection {
  /** Extra counts allowed on top of the wiring model's tolerance (probe ADC calibration). */
  adcCounts?: number;
  /** Actuation latency p99 above this fails the latency test. */
  latencyP99Ms?: number;
}
export interface TimeoutsSection {
  lockMs?: number;
  flashMs?: number;
  readyMs?: number;
  /** After the ready line, the DUT must stay up this long (a boot loop is a bench error). */
  bootSettleMs?: number;
  provisionMs?: number;
  connectMs?: number;
  requestMs?: number;
  probeMs?: number;
  /** Longest wait for a pin to show an expected value. */
  observeMs?: number;
}
/** Which device logic runs behind the simulated board's connection code (frame level). */
export type SimBackend = 'ts' | 'native';
/**
 * A whole device behind the simulated arduinoWebSockets transport: its own connection code (hello, auth, slots) and
 * its own console. 'native': the reference firmware's Device (apps/firmware, built for the host); 'ts': its twin in
 * device-model (ConnectionDevice).
 */
export type SimBody = 'ts' | 'native';
/** The built-in DUT protocols; a user adapter module is `adapter`. */
export type DutProtocol = 'esphil' | 'tutorial';
/** What the simulated board runs: the esphil firmware or the tutorial sketch (`esphil-sim --firmware tutorial`). */
export type SimFirmware = 'esphil' | 'tutorial';

export interface SimSection {
  latency?: LatencyProfile;
  faults?: string[];
  seed?: number;
  /** 'ts' (default): the TypeScript state machine. 'native': the reference firmware's C++ core built for the host. */
  backend?: SimBackend;
  /**
   * Run a whole device body instead of a backend (exclusive with `backend`): 'native' runs the firmware's own
   * connection code and console, 'ts' the TypeScript twin. Default: none (the backend).
   */
  body?: SimBody;
  /** native only: path to the esphil-native executable (default: apps/firmware/build/esphil-native). */
  executable?: string;
  /** The probe board's firmware model (see ./sim-probe.ts). */
  probe?: SimProbeSection;
  /** Default: `tutorial` when dut.protocol is "tutorial", else `esphil`. */
  firmware?: SimFirmware;
}

/** The bench file as written (JSON or YAML). */
export interface BenchFile {
  name?: string;
  kind?: BenchKind;
  dut: DutSection;
  probe: ProbeSection;
  wiring?: WiringSection;
  firmware?: FirmwareSection;
  improv?: ImprovSection;
  tolerances?: TolerancesSection;
  timeouts?: TimeoutsSection;
  /** Device config inline, or a path relative to the bench file. */
  device?: DeviceConfig | string;
  sim?: SimSection;
}

/** Every default applied, paths resolved. */
export interface ResolvedBench {
  name: string;
  kind: BenchKind;
  /** Directory the bench file lives in (relative paths resolve against it). */
  dir: string;
  file: string | null;
  dut: {
    port: PortMatch;
    baud: number;
    reset: ResetMethod;
    url: string;
    token: string | null;
    /** `adapter`: the module at `adapter` (an absolute path) describes the DUT. */
    protocol: DutProtocol | 'adapter';
    adapter: string | null;
    ready: string | null;
  };
  probe: { port: PortMatch; board: ProbeBoardId; vref: number | null; baud: number };
  /** null: use the simulator's default wiring (sim benches only). */
  wiring: WiringSection | null;
  firmware: BenchFirmware | null;
  improv: ImprovSection | null;
  tolerances: Required<TolerancesSection>;
  timeouts: Required<TimeoutsSection>;
  /** null: the simulator's default config (sim) or whatever the board reports (hardware). */
  device: DeviceConfig | null;
  sim: Required<Omit<SimSection, 'seed' | 'executable' | 'probe' | 'firmware' | 'body'>> & {
    firmware: SimFirmware;
    body: SimBody | null;
    seed: number | null;
    executable: string | null;
    probe: ResolvedSimProbe;
  };
}

export interface BenchIssue {
  /** JSON path into the bench file, e.g. "dut.baud". */
  path: string;
  message: string;
  /** What to change. */
  hint: string;
}
