import type { ClientOptions, DeviceClient } from '@esphil/client';
import type { WiringSpec } from '@esphil/device-model';
import type { Capabilities } from '@esphil/protocol';
import type { ResolvedBench } from '../bench/types';
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
  /** The primary client (reconnects after resets). */
  readonly dut: DeviceClient;
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
  close(): Promise<void>;
}
