import type { DeviceClient } from '@esphil/client';
import type { AppDescriptor, ResolvedConfig, WiringSpec } from '@esphil/device-model';
import type { ReadyResult, SerialConnection, SerialConsole } from '@esphil/serial';
import type { SimBench } from '@esphil/sim';
import type { LatencyProfile, ResolvedBench } from '../bench/types';
import type { DutAdapter, DutIo } from '../dut/types';
import type { AnyBinding, ProbeMonitor } from '../probe/monitor';
import type { FlashFileRecord, StageName, WiringFinding } from '../report/model';
import type { Transcript } from '../session/log';

/** The ports a bench provider yields: the same shape for a hardware bench and a simulated one. */
export interface BenchPorts {
  dutPath: string;
  probePath: string;
  /** The serialport binding to open them with; undefined = the native one. */
  binding: AnyBinding | undefined;
  /** The simulator behind them, on sim benches running the esphil firmware. */
  sim: SimBench | null;
  /** The EN reset of a simulated board that is not the esphil sim (the tutorial sketch). */
  simReset?: () => Promise<void>;
}

/** What the stages produce, each key added by one stage (see the `adds` of each stage module). */
export interface SessionParts {
  ports: BenchPorts;
  conn: SerialConnection;
  console: SerialConsole;
  /** Console lines since the port opened (bounded), for the serial fixture. */
  lines: string[];
  /**
   * Where this boot's console lines start: the reset stage's mark right before its reset (reset "none": the port's
   * open). The ready wait looks from here on.
   */
  bootMark: number;
  /** Resets the DUT the bench's way (session.reset() reuses it). */
  resetDut: () => Promise<void>;
  ready: ReadyResult;
  /** The DUT's WebSocket URL (from the bench file, the ready line or provisioning). */
  url: string | null;
  /** What speaks for the DUT (src/dut/): the built-in esphil or tutorial adapter, or the bench's module. */
  adapter: DutAdapter;
  /** The DUT through its adapter: what suites for any firmware drive. */
  io: DutIo;
  /** The esphil client: only when the DUT speaks the esphil protocol. */
  dut: DeviceClient;
  probe: ProbeMonitor;
  findings: WiringFinding[];
  /** Stage flash: the app it wrote (its identity) and the files; absent when the bench did not flash in-process. */
  flashed: FlashedFirmware;
}

export interface FlashedFirmware {
  /** The app image's esp_app_desc_t (null: no app among the files). */
  app: AppDescriptor | null;
  /** The app file's name, for messages. */
  appFile: string | null;
  files: FlashFileRecord[];
}

/** The run's options the stages read. */
export interface SessionOptions {
  /** Extra simulator faults (CLI --sim-fault), on top of the bench file's. */
  simFaults?: string[];
  latency?: LatencyProfile;
  /** Wiring check form: quick (runs) or full (doctor). */
  wiringCheck: 'quick' | 'full';
  lockDir?: string;
}

/** Fixed for the whole pipeline: the bench and what is derived from it before any stage runs. */
export interface SessionEnv {
  bench: ResolvedBench;
  options: SessionOptions;
  config: ResolvedConfig;
  wiring: WiringSpec;
  transcript: Transcript;
  /** Appends to the run's serial log (flasher output, console lines). */
  log(text: string): void;
}

export interface StageContext extends SessionEnv {
  /** Aborted on SIGINT/SIGTERM (RunHilOptions.signal): stop waiting, kill children. */
  readonly signal: AbortSignal;
  /**
   * Registers how to undo something this stage made (close a port, kill a child, release a lock). Steps run last
   * first, once the run ends or fails; each step's wait is bounded. Registered after the pipeline closed (work that
   * finished after an abort): runs at once.
   */
  onCleanup(step: () => Promise<void> | void): void;
  /** A line on the live progress output (e.g. "waiting for <lock holder>"). */
  info(line: string): void;
  /** What earlier stages added. */
  readonly parts: Readonly<Partial<SessionParts>>;
  /** A part an earlier stage must have added (a runner bug otherwise). */
  need<K extends keyof SessionParts>(key: K): SessionParts[K];
}

/** A stage's result: the progress/report detail line and the parts it adds to the context. */
export interface StageDone {
  detail?: string;
  /** Stage flash: the files written, kept in the stage record (report.json). */
  files?: FlashFileRecord[];
  adds?: Partial<SessionParts>;
}

/**
 * One step of the run. `name` is a report stage name; setup steps between reported stages (the bench provider,
 * opening the console) use a `setup:` name and leave no stage record.
 */
export interface Stage {
  readonly name: StageName | `setup:${string}`;
  /** Why the stage does not apply to this bench (recorded as skipped), or null to run it. */
  skip?(ctx: StageContext): string | null;
  /** Does the work; throws a HilError saying what to fix. */
  run(ctx: StageContext): Promise<StageDone | undefined>;
}
