import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ResolvedBench } from '../bench/types';
import { resolveBench } from '../bench/validate';

/** Built-in test names as the report shows them (`suite › test`). */
export const T = {
  hello: 'boot › hello carries the firmware version the boot line announced',
  caps: 'boot › capabilities match the device config',
  ledSet: 'led › led.set on and off show on the probe pin',
  ledToggle: 'led › led.toggle flips the pin both ways',
  ledLegacy: 'led › legacy "LED ON" / "LED OFF" text frames drive the first LED',
  sweep: 'pwm › PWM duty sweep reads through the RC filter within the wiring model tolerance',
  infeasible: 'pwm › infeasible PWM setups are rejected with pwm_infeasible and the pin keeps its output',
  button: 'button › button edges are pushed to every connected client without polling',
  sensor: 'sensor › sensor stream follows a probe-driven level at the subscribed rate',
  broadcast: 'broadcast › a change made by one client is broadcast to every client',
  textBroadcast:
    'broadcast › a text command from one client is broadcast to every text client ("LED is now ON/OFF")',
  badFrames: 'frames › bad frames are answered with errors and the connection survives',
  oversize: 'frames › an oversize frame closes the connection with 1009 and the device keeps serving',
  latency: 'latency › actuation latency (command sent -> pin seen by the probe) p50/p95/p99',
  reset: 'reset › reset mid-session: the client reconnects and resyncs to the rebooted state',
} as const;

export const ALL_TESTS: string[] = Object.values(T);
const except = (...keep: string[]) => ALL_TESTS.filter((t) => !keep.includes(t));

export interface FaultCase {
  fault: string;
  exitCode: 0 | 1 | 2;
  /** Exactly these tests fail (exit 1), or the bench error code (exit 2). */
  failing?: string[];
  benchError?: string;
  /** Every failing test (or the bench error) must mention all of these. */
  mentions?: string[];
}

const LED_OWNED = [T.ledSet, T.ledToggle, T.ledLegacy, T.textBroadcast, T.latency];

/** One row per simulator fault (see FAULT_NAMES): what a correct runner must conclude. */
export const FAULT_CASES: FaultCase[] = [
  { fault: 'led-stuck-low', exitCode: 1, failing: LED_OWNED, mentions: ['hil doctor'] },
  { fault: 'led-stuck-high', exitCode: 1, failing: LED_OWNED, mentions: ['hil doctor'] },
  { fault: 'pwm-offset:5', exitCode: 1, failing: [T.sweep] },
  { fault: 'pwm-dead', exitCode: 1, failing: [T.sweep], mentions: ['hil doctor'] },
  { fault: 'wires-swapped', exitCode: 2, benchError: 'wiring_crossed', mentions: ['status LED', 'fan PWM'] },
  { fault: 'button-dead', exitCode: 1, failing: [T.button], mentions: ['hil doctor'] },
  { fault: 'sensor-frozen', exitCode: 1, failing: [T.sensor], mentions: ['hil doctor'] },
  // Every response lost: everything that waits for an answer fails; capabilities (from hello) and pushed button events do not.
  { fault: 'ack-drop:1', exitCode: 1, failing: except(T.caps, T.button) },
  // Late but inside the request timeout: a good device on a slow link passes.
  { fault: 'ack-delay:50', exitCode: 0, failing: [] },
  { fault: 'event-drop:1', exitCode: 1, failing: [T.button, T.sensor, T.broadcast] },
  { fault: 'reboot-loop', exitCode: 2, benchError: 'never_ready', mentions: ['boot loop'] },
  // sim.json flashes a generated image: the bootloader then reads the app back corrupt and refuses it.
  { fault: 'app-corrupt', exitCode: 2, benchError: 'boot_failed', mentions: ['Checksum failed'] },
  { fault: 'wifi-down', exitCode: 2, benchError: 'connect_failed', mentions: ['no network address'] },
  // Noise between console lines must not disturb the runner.
  { fault: 'serial-garbage', exitCode: 0, failing: [] },
  { fault: 'corrupt-frames:1', exitCode: 1, failing: except(T.caps) },
  // Three clients at once (button, broadcast) exceed a limit of two; the text broadcast test opens three besides the
  // session's.
  { fault: 'client-limit:2', exitCode: 1, failing: [T.button, T.broadcast, T.textBroadcast] },
];

/**
 * Faults the matrix cannot exercise, with the reason (checked against FAULT_NAMES so a new fault is never missed).
 * reboot-after: the sim arms its timer on the FIRST boot only and a reset disarms it; the runner always resets the
 * DUT before the ready stage, so the fault never fires on a runner bench (reported to the sim owner). Unannounced
 * reboots are still caught: see the reboot guard test in fixtures.
 */
export const NOT_IN_MATRIX: Record<string, string> = {
  'reboot-after': 'armed on the first boot only; the runner reset disarms it',
  'app-corrupt':
    'needs a flashing bench (sim.json flashes from the next commit); run-hil flash-identity.test.ts covers it',
};

/**
 * The sim bench with short request timeouts, so faults that swallow answers fail fast. `sim` adds to its sim section,
 * e.g. `{ body: 'native', executable }` for the same matrix on the firmware's own Device.
 */
export function matrixBench(sim: Record<string, unknown> = {}): ResolvedBench {
  const file = fileURLToPath(new URL('../../benches/sim.json', import.meta.url));
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  json.timeouts = { readyMs: 3000, connectMs: 2000, requestMs: 300, observeMs: 500 };
  json.sim = { ...(json.sim as Record<string, unknown>), ...sim };
  const { bench, issues } = resolveBench(json, { file });
  if (!bench) throw new Error(JSON.stringify(issues));
  return bench;
}
