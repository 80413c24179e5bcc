import type { DeviceClient } from '@esphil/client';
import {
  type DeviceConfig,
  expectDutAdcReading,
  expectRcReading,
  type ProbeProfile,
  type ResolvedConfig,
  type Wire,
  type WiringSpec,
} from '@esphil/device-model';
import { DUT_CAPABILITIES, type DutCapability } from '../dut/capabilities';
import { esphilIo } from '../dut/esphil';
import type { DutIo } from '../dut/types';
import type { ProbeMonitor } from '../probe/monitor';
import type { WiringFinding } from '../report/model';

export interface WiringCheckOptions {
  /** The esphil client: button and sensor wires need its events and state (null: those wires stay untested). */
  client: DeviceClient | null;
  /** How the DUT's outputs are driven; default: through `client`. */
  io?: DutIo;
  /** What the DUT can do (src/dut/); default: what the esphil protocol does. */
  capabilities?: ReadonlySet<DutCapability>;
  /** Names the DUT in findings, e.g. "tutorial". */
  dutName?: string;
  probe: ProbeMonitor;
  spec: WiringSpec;
  profile: ProbeProfile;
  config: ResolvedConfig | DeviceConfig;
  /** Longest wait for a digital line to follow. */
  observeMs: number;
  /** Full form (`hil doctor`): also checks a mid-scale level on every analog wire. */
  full?: boolean;
}

type Target = { kind: 'leds' | 'pwm' | 'buttons' | 'sensors'; name: string };

export function targetOfPin(config: ResolvedConfig | DeviceConfig, pin: number): Target | null {
  for (const kind of ['leds', 'pwm', 'buttons', 'sensors'] as const) {
    const hit = (config[kind] ?? []).find((t: { pin: number; name: string }) => t.pin === pin);
    if (hit) return { kind, name: hit.name };
  }
  return null;
}

/** Probe-side key an output wire lands on. */
function inputKey(w: Wire): string | null {
  if (w.kind === 'digital') return `d${w.probePin}`;
  if (w.kind === 'rc') return `a${w.probeAnalog}`;
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Exercises every wire in each direction it carries and says, per wire, whether its signal arrived where the wiring
 * says (ok), somewhere else (crossed: names the other wire) or nowhere (silent: dead DUT pin or broken wire).
 * Leaves every output low/off, button lines released and sensor drives at zero.
 */
export async function checkWiring(opts: WiringCheckOptions): Promise<WiringFinding[]> {
  const { probe, spec, profile, config } = opts;
  const findings: WiringFinding[] = [];
  const io = opts.io ?? (opts.client ? esphilIo(opts.client, { ownsClient: false }) : null);
  const can = (c: DutCapability) => (opts.capabilities ? opts.capabilities.has(c) : opts.client !== null);
  const cannot = (c: DutCapability) =>
    `the DUT${opts.dutName ? ` (${opts.dutName})` : ''} cannot do ${c} (${DUT_CAPABILITIES[c]}): wire untested`;
  const outputs: Wire[] = spec.wires.filter((w) => w.kind === 'digital' || w.kind === 'rc');
  for (const w of outputs) {
    if (w.kind === 'digital') probe.watchDigital(w.probePin);
    else if (w.kind === 'rc') probe.watchAnalog(w.probeAnalog);
  }
  const rcSettle = (w: Wire) =>
    w.kind === 'rc'
      ? expectRcReading({ fraction: 1, dutVcc: spec.dutVcc, wire: w, probe: profile }).settleMs
      : 0;
  const maxSettle = Math.max(opts.observeMs / 4, ...outputs.map(rcSettle));
  const fullScale =
    (profile.vref > 0 ? Math.min(1, spec.dutVcc / profile.vref) : 1) * (2 ** profile.adcBits - 1);

  const drive = async (w: Wire, t: Target, high: boolean, fraction = 1) => {
    if (t.kind === 'leds') await io!.ledSet(t.name, high);
    else if (t.kind === 'pwm') await io!.pwmSet!(t.name, high ? fraction : 0);
    else
      throw new Error(
        `GPIO${w.dutPin} is an input (${t.kind} '${t.name}') but wire '${w.name}' reads it as an output`,
      );
  };

  // All outputs low, settle once.
  const owned = new Map<Wire, Target>();
  for (const w of outputs) {
    const t = targetOfPin(config, w.dutPin);
    if (!t || (t.kind !== 'leds' && t.kind !== 'pwm')) {
      findings.push({
        wire: w.name,
        status: 'untested',
        detail: `no LED or PWM output on GPIO${w.dutPin} in the device config`,
      });
      continue;
    }
    const need: DutCapability = t.kind === 'leds' ? 'led.set' : 'pwm';
    if (!io || !can(need) || (need === 'pwm' && !io.pwmSet)) {
      findings.push({ wire: w.name, status: 'untested', detail: cannot(need) });
      continue;
    }
    try {
      await drive(w, t, false);
      owned.set(w, t);
    } catch (e) {
      findings.push({
        wire: w.name,
        status: 'untested',
        detail: `the DUT did not take ${t.kind} '${t.name}' low: ${(e as Error).message}`,
      });
    }
  }
  await sleep(maxSettle);
  const snapshot = () => new Map(outputs.map((w) => [w, probe.values.get(inputKey(w) ?? '') ?? Number.NaN]));
  const movedBy = (before: number, after: number, w: Wire) =>
    w.kind === 'digital'
      ? before !== after && !Number.isNaN(after)
      : Math.abs(after - before) > fullScale * 0.25;

  for (const [w, t] of owned) {
    const before = snapshot();
    try {
      // Half duty on PWM: full on is a static level and would not prove the PWM generator runs.
      await drive(w, t, true, t.kind === 'pwm' ? 0.5 : 1);
    } catch (e) {
      findings.push({
        wire: w.name,
        status: 'silent',
        detail: `could not drive ${t.kind} '${t.name}': ${(e as Error).message}`,
      });
      continue;
    }
    const key = inputKey(w) ?? '';
    const own =
      w.kind === 'digital' ? (v: number) => v === 1 : (v: number) => v > before.get(w)! + fullScale * 0.3;
    await probe.waitFor(key, own, w.kind === 'rc' ? rcSettle(w) + opts.observeMs : opts.observeMs);
    // Give lines on other probe pins the same chance to show a crossed signal (RC inputs need part of a tau).
    await sleep(Math.min(maxSettle, w.kind === 'rc' ? 0 : Math.max(...outputs.map(rcSettle), 0) / 2));
    const after = snapshot();
    const ownMoved = movedBy(before.get(w)!, after.get(w)!, w) && own(after.get(w)!);
    const others = outputs.filter((o) => o !== w && movedBy(before.get(o)!, after.get(o)!, o));
    await drive(w, t, false).catch(() => {});
    if (others.length > 0) {
      const o = others[0]!;
      findings.push({
        wire: w.name,
        status: 'crossed',
        otherWire: o.name,
        detail: `driving ${t.kind} '${t.name}' (GPIO${w.dutPin}) moved the probe input of wire '${o.name}' (${inputKey(o)}) instead of its own (${key})${ownMoved ? ' as well' : ''}: wires '${w.name}' and '${o.name}' are swapped or crossed`,
      });
    } else if (!ownMoved) {
      findings.push({
        wire: w.name,
        status: 'silent',
        detail: `driving ${t.kind} '${t.name}' (GPIO${w.dutPin}) high never showed on probe ${key} (read ${after.get(w)}): dead DUT pin or broken wire`,
      });
    } else if (opts.full && w.kind === 'rc' && t.kind === 'pwm') {
      findings.push(await midScale(opts, io!, w as Extract<Wire, { kind: 'rc' }>, t));
    } else {
      findings.push({ wire: w.name, status: 'ok', detail: `${key} follows ${t.kind} '${t.name}'` });
    }
    await probe.waitFor(
      key,
      (v) => (w.kind === 'digital' ? v === 0 : v < fullScale * 0.25),
      rcSettle(w) + opts.observeMs,
    );
  }

  for (const w of spec.wires) {
    if (w.kind !== 'drive' && w.kind !== 'analog-drive') continue;
    const need: DutCapability = w.kind === 'drive' ? 'buttons' : 'sensor';
    const client = opts.client;
    if (!client || !can(need)) {
      findings.push({ wire: w.name, status: 'untested', detail: cannot(need) });
      continue;
    }
    try {
      findings.push(
        w.kind === 'drive' ? await checkDrive(opts, client, w) : await checkAnalogDrive(opts, client, w),
      );
    } catch (e) {
      // The DUT not answering is the DUT's failure, shown by the suites; the wire itself stays unproven.
      findings.push({
        wire: w.name,
        status: 'untested',
        detail: `the DUT did not answer during the check: ${(e as Error).message}`,
      });
    }
  }
  return findings;
}

async function midScale(
  opts: WiringCheckOptions,
  io: DutIo,
  w: Extract<Wire, { kind: 'rc' }>,
  t: Target,
): Promise<WiringFinding> {
  const exp = expectRcReading({ fraction: 0.5, dutVcc: opts.spec.dutVcc, wire: w, probe: opts.profile });
  await io.pwmSet!(t.name, 0.5);
  await sleep(exp.settleMs);
  const got = await opts.probe.nextSample(`a${w.probeAnalog}`, opts.observeMs);
  await io.pwmSet!(t.name, 0);
  const ok = got !== null && Math.abs(got - exp.value) <= exp.tolerance;
  return {
    wire: w.name,
    status: ok ? 'ok' : 'silent',
    detail: `50 % duty reads ${got} (expected ${exp.value.toFixed(0)} ±${exp.tolerance.toFixed(0)})${ok ? '' : ': check R and C against the bench file'}`,
  };
}

async function checkDrive(
  opts: WiringCheckOptions,
  client: DeviceClient,
  w: Extract<Wire, { kind: 'drive' }>,
): Promise<WiringFinding> {
  const t = targetOfPin(opts.config, w.dutPin);
  if (t?.kind !== 'buttons') {
    return { wire: w.name, status: 'untested', detail: `no button on GPIO${w.dutPin} in the device config` };
  }
  const seen: boolean[] = [];
  const off = client.on('button', (e) => {
    if (e.button === t.name) seen.push(e.pressed);
  });
  try {
    // Active-low with pull-up is the default: low = pressed.
    opts.probe.driveDigital(w.probePin, 1);
    await sleep(opts.observeMs / 4);
    seen.length = 0;
    opts.probe.driveDigital(w.probePin, 0);
    await waitUntil(() => seen.length >= 1, opts.observeMs);
    opts.probe.driveDigital(w.probePin, 1);
    await waitUntil(() => seen.length >= 2, opts.observeMs);
  } finally {
    off();
  }
  if (seen.length >= 2 && seen[0] !== seen[1]) {
    return {
      wire: w.name,
      status: 'ok',
      detail: `probe pin ${w.probePin} presses and releases button '${t.name}'`,
    };
  }
  return {
    wire: w.name,
    status: 'silent',
    detail: `toggling probe pin ${w.probePin} never changed button '${t.name}' (GPIO${w.dutPin}): dead DUT input or broken wire`,
  };
}

async function checkAnalogDrive(
  opts: WiringCheckOptions,
  client: DeviceClient,
  w: Extract<Wire, { kind: 'analog-drive' }>,
): Promise<WiringFinding> {
  const t = targetOfPin(opts.config, w.dutPin);
  if (t?.kind !== 'sensors') {
    return { wire: w.name, status: 'untested', detail: `no sensor on GPIO${w.dutPin} in the device config` };
  }
  const exp = expectDutAdcReading({ fraction: 1, probe: opts.profile, wire: w });
  const read = async (pwm: number) => {
    opts.probe.drivePwm(w.probePin, pwm);
    await sleep(exp.settleMs);
    const s = await client.getState();
    return s.sensors[t.name]?.raw ?? Number.NaN;
  };
  // The device samples the ADC only while someone subscribes.
  const maxHz = client.caps.sensors.find((s) => s.name === t.name)?.maxHz ?? 10;
  await client.subscribeSensor(t.name, Math.min(maxHz, 50));
  try {
    const low = await read(0);
    const high = await read(255);
    await read(0);
    if (high - low > exp.value * 0.5) {
      return {
        wire: w.name,
        status: 'ok',
        detail: `sensor '${t.name}' follows probe pin ${w.probePin} (${low} -> ${high})`,
      };
    }
    return {
      wire: w.name,
      status: 'silent',
      detail: `probe PWM on pin ${w.probePin} 0 -> 255 moved sensor '${t.name}' only ${low} -> ${high} (expected ~${exp.value.toFixed(0)}): frozen ADC or broken wire`,
    };
  } finally {
    await client.unsubscribeSensor(t.name).catch(() => {});
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}
