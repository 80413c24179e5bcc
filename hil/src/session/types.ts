import type { ClientOptions, DeviceClient } from '@esphil/client';
import type { ProbeProfile, ResolvedConfig, WiringSpec } from '@esphil/device-model';
import type { Capabilities } from '@esphil/protocol';
import type { SimBench } from '@esphil/sim';
import type { ResolvedBench } from '../bench/types';
import type { DutCapability } from '../dut/capabilities';
import type { DutIo } from '../dut/types';
import type { ProbeMonitor } from '../probe/monitor';
import type { SweepPoint, WiringFinding } from '../report/model';
import type { SerialLog, Transcript } from './log';

/** The serial console as tests see it: the boot log so far and line waiting. */
export interface SerialFixture {
  /** Every console line since the runner opened the port. */
  readonly lines: readonly string[];
  /** Resolves with the first line (from now on) matching `pattern`. */
  waitForLine(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  write(text: string): Promise<void>;
}

/** The expected-config view of the DUT the suites check against. */
export interface DutExpectations {
  fw: string | null;
  /** The hello's capabilities (esphil DUTs only: throws on another DUT, like `dut`). */
  caps: Capabilities;
  /** Target that owns a DUT pin, e.g. { kind: 'leds', name: 'status' }. */
  targetOfPin(pin: number): { kind: 'leds' | 'pwm' | 'buttons' | 'sensors'; name: string } | null;
}

/** A live bench: everything the stages set up, handed to the suites. */
export interface HilSession {
  readonly bench: ResolvedBench;
  readonly wiring: WiringSpec;
  readonly url: string;
  readonly expect: DutExpectations;
  /** The device config the DUT runs (resolved: every default filled in). */
  readonly config: ResolvedConfig;
  readonly profile: ProbeProfile;
  /** The simulator, on sim benches (tests must not depend on it: suites run on hardware too). */
  readonly sim: SimBench | null;
  /**
   * The primary esphil client (reconnects after resets). Only for a DUT speaking the esphil protocol: reading it on
   * another DUT throws (the `dut` fixture skips the test instead, with the reason).
   */
  readonly dut: DeviceClient;
  /** The DUT through its adapter (src/dut/), whatever the firmware speaks. */
  readonly io: DutIo;
  /** Which adapter speaks for the DUT ("esphil", "tutorial", or the module's name) and what it can do. */
  readonly adapter: { readonly name: string; readonly capabilities: ReadonlySet<DutCapability> };
  readonly serial: SerialFixture;
  readonly probe: ProbeMonitor;
  readonly serialLog: SerialLog;
  readonly transcript: Transcript;
  /** Wiring self-check result per wire. */
  readonly findings: WiringFinding[];
  readonly sweep: SweepPoint[];
  readonly latencySamples: number[];
  /** Extra clients for multi-client tests; closed when the test ends. */
  connect(label: string, opts?: ClientOptions): Promise<DeviceClient>;
  /** Hardware reset of the DUT (DTR/RTS, or the sim's circuit); resolves once the ready line is seen again. */
  reset(): Promise<void>;
  /** Reboots the primary client noticed (new boot id after a reconnect); `expected` = announced by reset()/expectReboot(). */
  readonly reboots: readonly { at: number; from: string; to: string; expected: boolean }[];
  /** Announce a reboot the test causes itself (e.g. the `reboot` op), so it is not reported as a crash. */
  expectReboot(): void;
  /** Closes the clients connect() made (after every test). */
  closeExtra(): Promise<void>;
  close(): Promise<void>;
}
