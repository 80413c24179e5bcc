import { type ProbeProfile, probePwmHz, type Wire, type WiringSpec } from '@esphil/device-model';
import { type Clock, realClock } from '../probe/clock';
import type { ProbeDrive, ProbeIO } from '../probe/probe-io';
import { getProbeProfile } from '../probe/probe-profile';
import { type WireOverride, type WireRef, WiringError } from './overrides';
import {
  ESP32_ADC_BITS,
  ESP32_ADC_VREF,
  ESP32_VIH_RATIO,
  ESP32_VIL_RATIO,
  logicLevel,
  probeAdcCounts,
  quantise,
  rcRippleAt,
  rcStep,
  rcTauMs,
} from './physics';
import { seededRandom } from './rng';

/** What the DUT puts on one of its pins. */
export type DutOutput = { level: 0 | 1 } | { pwm: { freq: number; fraction: number } } | { highZ: true };

export interface VirtualWiringOptions {
  /** Seed for ADC noise and PWM phases (default 1). */
  seed?: number;
  clock?: Clock;
  /** Probe profile; defaults to the one named by spec.probe. */
  probe?: ProbeProfile;
  /** ADC noise amplitude in LSB, uniform integer in [-n, n] (default 1). */
  noiseLsb?: number;
  /** Frequency of every probe analogWrite, instead of the profile's per-pin one (Uno: 976 Hz on 5/6, 490 Hz else). */
  probePwmHz?: number;
}

export const DEFAULT_NOISE_LSB = 1;

type Signal =
  | { kind: 'float' }
  | { kind: 'dc'; v: number }
  | { kind: 'pwm'; vHigh: number; freq: number; fraction: number };

interface RcNode {
  v0: number;
  t0: number;
  sig: Signal;
  tauMs: number;
}

interface ActiveOverride {
  id: number;
  override: WireOverride;
  wires: number[];
  /** freeze: destination voltage per wire at the moment of applying. */
  frozen: Map<number, number | null>;
}

const FLOAT: Signal = { kind: 'float' };

const towardsProbe = (w: Wire): w is Extract<Wire, { kind: 'digital' | 'rc' }> =>
  w.kind === 'digital' || w.kind === 'rc';
const filtered = (w: Wire): w is Extract<Wire, { r: number }> => w.kind === 'rc' || w.kind === 'analog-drive';

function sameSignal(a: Signal, b: Signal): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'dc' && b.kind === 'dc') return a.v === b.v;
  if (a.kind === 'pwm' && b.kind === 'pwm')
    return a.vHigh === b.vHigh && a.freq === b.freq && a.fraction === b.fraction;
  return true;
}

/** 0 % and 100 % duty are steady levels; everything else stays a waveform. */
function normalise(sig: Signal): Signal {
  if (sig.kind !== 'pwm') return sig;
  const fraction = Math.min(1, Math.max(0, sig.fraction));
  if (fraction <= 0) return { kind: 'dc', v: 0 };
  if (fraction >= 1) return { kind: 'dc', v: sig.vHigh };
  return { ...sig, fraction };
}

function validateSpec(spec: WiringSpec): void {
  if (typeof spec !== 'object' || spec === null)
    throw new WiringError('invalid_spec', 'wiring spec must be an object');
  if (!(spec.dutVcc > 0))
    throw new WiringError('invalid_spec', `dutVcc must be > 0 volts, got ${spec.dutVcc}`);
  if (!Array.isArray(spec.wires)) throw new WiringError('invalid_spec', 'wires must be an array');
  spec.wires.forEach((w, i) => {
    const where = `wires[${i}] ("${w?.name ?? '?'}")`;
    if (!['digital', 'rc', 'drive', 'analog-drive'].includes(w?.kind)) {
      throw new WiringError('invalid_spec', `${where}: kind must be digital, rc, drive or analog-drive`);
    }
    if (filtered(w) && !(w.r > 0 && w.c > 0)) {
      throw new WiringError('invalid_spec', `${where}: r (ohms) and c (farads) must both be > 0`);
    }
  });
}

/**
 * The bench's wires, simulated: DUT outputs reach probe inputs through logic thresholds or an RC low-pass
 * into the probe ADC (first-order dynamics plus the exact PWM ripple), probe outputs reach DUT inputs and,
 * through RC, the DUT's 12-bit ADC. ADC readings carry seeded ±noiseLsb noise. Faults act through applyOverride.
 */
const NO_OVERRIDES: readonly ActiveOverride[] = [];

export class VirtualWiring implements ProbeIO {
  readonly spec: WiringSpec;
  readonly probe: ProbeProfile;
  /** Electrical problems of the spec itself (e.g. a 5 V probe driving a 3.3 V DUT pin). */
  readonly diagnostics: string[] = [];
  private readonly clock: Clock;
  private readonly rand: () => number;
  private readonly noiseLsb: number;
  private readonly probePwmHz: number | undefined;
  private readonly phases: number[];
  private readonly nodes = new Map<number, RcNode>();
  private readonly dutOut = new Map<number, DutOutput>();
  private readonly probeOut = new Map<number, ProbeDrive>();
  private readonly probeMemory = new Map<number, 0 | 1>();
  private readonly dutMemory = new Map<number, 0 | 1>();
  private readonly dutLevels = new Map<number, 0 | 1 | null>();
  private readonly probeListeners = new Set<() => void>();
  private readonly dutListeners = new Set<(pin: number, level: 0 | 1 | null) => void>();
  private active: ActiveOverride[] = [];
  private nextOverrideId = 0;

  constructor(spec: WiringSpec, opts: VirtualWiringOptions = {}) {
    validateSpec(spec);
    this.spec = spec;
    this.probe = opts.probe ?? getProbeProfile(spec.probe);
    this.clock = opts.clock ?? realClock;
    this.rand = seededRandom(opts.seed ?? 1);
    this.noiseLsb = Math.max(0, Math.floor(opts.noiseLsb ?? DEFAULT_NOISE_LSB));
    this.probePwmHz = opts.probePwmHz;
    this.phases = spec.wires.map(() => this.rand());
    const now = this.clock.now();
    spec.wires.forEach((w, i) => {
      if (filtered(w)) this.nodes.set(i, { v0: 0, t0: now, sig: FLOAT, tauMs: rcTauMs(w.r, w.c) });
      if (!towardsProbe(w) && this.probe.vcc > spec.dutVcc + 0.3) {
        this.diagnostics.push(
          `wire "${w.name}": the ${this.probe.vcc} V probe drives a ${spec.dutVcc} V DUT pin ${w.dutPin} above its ` +
            'supply; use a 3.3 V probe or a level shifter',
        );
      }
    });
    for (const w of spec.wires) if (!towardsProbe(w)) this.dutLevels.set(w.dutPin, this.dutInput(w.dutPin));
  }

  // --- DUT side ----------------------------------------------------------------------------------------------

  /** The DUT drives one of its pins (a GPIO level, LEDC PWM, or releases it). */
  setDutOutput(pin: number, out: DutOutput): void {
    if ('pwm' in out) {
      const { freq, fraction } = out.pwm;
      if (!(freq > 0) || !Number.isFinite(freq) || !(fraction >= 0 && fraction <= 1)) {
        throw new WiringError('invalid_output', `pin ${pin}: pwm needs freq > 0 and fraction in [0, 1]`);
      }
    }
    this.dutOut.set(pin, out);
    this.refresh();
  }

  /** Logic level at a DUT input (ESP32 thresholds); null when no wire drives it (the DUT's own pull decides). */
  dutInput(pin: number): 0 | 1 | null {
    const i = this.findWire((w) => !towardsProbe(w) && w.dutPin === pin);
    if (i === -1) return null;
    const v = this.wireVoltage(i);
    if (v === null) return null;
    const level = logicLevel(
      v,
      ESP32_VIH_RATIO * this.spec.dutVcc,
      ESP32_VIL_RATIO * this.spec.dutVcc,
      this.dutMemory.get(pin) ?? 0,
    );
    this.dutMemory.set(pin, level);
    return level;
  }

  /** 12-bit ESP32 ADC counts at a DUT pin; null when nothing is wired to it. */
  dutAnalog(pin: number): number | null {
    const i = this.findWire(
      (w) => w.kind === 'analog-drive' && w.dutPin === pin,
      (w) => w.kind === 'drive' && w.dutPin === pin,
    );
    if (i === -1) return null;
    const v = this.wireVoltage(i);
    if (v === null) return null;
    return this.noisy(quantise(v, ESP32_ADC_VREF, ESP32_ADC_BITS), ESP32_ADC_BITS);
  }

  /** Called with (pin, level) when a wired DUT input changes level. Returns an unsubscribe function. */
  onDutInputChange(listener: (pin: number, level: 0 | 1 | null) => void): () => void {
    this.dutListeners.add(listener);
    return () => this.dutListeners.delete(listener);
  }

  // --- probe side (ProbeIO) ----------------------------------------------------------------------------------

  probeDigital(pin: number): 0 | 1 | null {
    const i = this.findWire(
      (w) => w.kind === 'digital' && w.probePin === pin,
      (w) => w.kind === 'rc' && this.probe.analogPins[w.probeAnalog] === pin,
    );
    if (i === -1) return null;
    const v = this.wireVoltage(i);
    if (v === null) return null;
    const level = logicLevel(v, this.probe.vih, this.probe.vil, this.probeMemory.get(pin) ?? 0);
    this.probeMemory.set(pin, level);
    return level;
  }

  probeAnalog(channel: number): number | null {
    const pin = this.probe.analogPins[channel];
    const i = this.findWire(
      (w) => w.kind === 'rc' && w.probeAnalog === channel,
      (w) => w.kind === 'digital' && pin !== undefined && w.probePin === pin,
    );
    if (i === -1) return null;
    const v = this.wireVoltage(i);
    if (v === null) return null;
    return this.noisy(probeAdcCounts(v, this.probe.vref, this.probe.adcBits), this.probe.adcBits);
  }

  setProbeOutput(pin: number, drive: ProbeDrive): void {
    if ('pwm' in drive && !(drive.pwm >= 0 && drive.pwm <= 1)) {
      throw new WiringError('invalid_output', `probe pin ${pin}: pwm fraction must be in [0, 1]`);
    }
    this.probeOut.set(pin, drive);
    this.refresh();
  }

  onProbeInputChange(listener: () => void): () => void {
    this.probeListeners.add(listener);
    return () => this.probeListeners.delete(listener);
  }

  // --- inspection --------------------------------------------------------------------------------------------

  /** Voltage at the probe end of an RC wire (no quantisation or noise); null when floating or unwired. */
  probeVoltage(channel: number): number | null {
    const i = this.findWire((w) => w.kind === 'rc' && w.probeAnalog === channel);
    return i === -1 ? null : this.wireVoltage(i);
  }

  /** Voltage at a DUT input pin (no quantisation or noise). */
  dutVoltage(pin: number): number | null {
    const i = this.findWire((w) => !towardsProbe(w) && w.dutPin === pin);
    return i === -1 ? null : this.wireVoltage(i);
  }

  // --- faults ------------------------------------------------------------------------------------------------

  /** Apply a fault to the wiring; returns a function that removes it again. */
  applyOverride(override: WireOverride): () => void {
    const wires = this.validateOverride(override);
    const frozen = new Map<number, number | null>();
    if (override.kind === 'freeze') for (const i of wires) frozen.set(i, this.wireVoltage(i));
    const entry: ActiveOverride = { id: this.nextOverrideId++, override, wires, frozen };
    this.active.push(entry);
    this.refresh();
    return () => {
      if (!this.active.includes(entry)) return;
      this.active = this.active.filter((e) => e !== entry);
      this.refresh();
    };
  }

  clearOverrides(): void {
    this.active = [];
    this.refresh();
  }

  get overrides(): readonly WireOverride[] {
    return this.active.map((e) => e.override);
  }

  // --- internals ---------------------------------------------------------------------------------------------

  private resolve(ref: WireRef): number[] {
    const hits: number[] = [];
    this.spec.wires.forEach((w, i) => {
      const match =
        typeof ref === 'string'
          ? w.name === ref
          : 'dutPin' in ref
            ? w.dutPin === ref.dutPin
            : 'probePin' in ref
              ? 'probePin' in w && w.probePin === ref.probePin
              : w.kind === 'rc' && w.probeAnalog === ref.probeAnalog;
      if (match) hits.push(i);
    });
    if (hits.length === 0) {
      const names = this.spec.wires.map((w) => w.name).join(', ');
      throw new WiringError(
        'unknown_wire',
        `no wire matches ${JSON.stringify(ref)}; wires: ${names || 'none'}`,
      );
    }
    return hits;
  }

  private validateOverride(o: WireOverride): number[] {
    switch (o?.kind) {
      case 'swap': {
        const [a, b] = [this.resolve(o.a), this.resolve(o.b)];
        if (a.length !== 1 || b.length !== 1 || a[0] === b[0]) {
          throw new WiringError(
            'invalid_override',
            'swap needs two distinct wires, each matched exactly once',
          );
        }
        const [wa, wb] = [this.spec.wires[a[0]!]!, this.spec.wires[b[0]!]!];
        if (towardsProbe(wa) !== towardsProbe(wb)) {
          throw new WiringError(
            'invalid_override',
            `cannot swap "${wa.name}" and "${wb.name}": they run in opposite directions`,
          );
        }
        return [a[0]!, b[0]!];
      }
      case 'stuck':
        if (o.level !== 0 && o.level !== 1)
          throw new WiringError('invalid_override', 'stuck level must be 0 or 1');
        return this.resolve(o.wire);
      case 'pwm-offset':
        if (!Number.isFinite(o.points))
          throw new WiringError('invalid_override', 'pwm-offset points must be a number');
        return this.resolve(o.wire);
      case 'open':
      case 'pwm-dead':
      case 'freeze':
        return this.resolve(o.wire);
      default:
        throw new WiringError(
          'invalid_override',
          `unknown override kind ${JSON.stringify((o as { kind?: unknown })?.kind)}`,
        );
    }
  }

  /** First wire matching the first predicate that matches any. */
  private findWire(...preds: Array<(w: Wire) => boolean>): number {
    for (const pred of preds) {
      const i = this.spec.wires.findIndex(pred);
      if (i !== -1) return i;
    }
    return -1;
  }

  private overridesOf(i: number): readonly ActiveOverride[] {
    // Called per wire on every refresh: no array built while no fault is active (the usual case).
    return this.active.length === 0 ? NO_OVERRIDES : this.active.filter((e) => e.wires.includes(i));
  }

  /** The wire whose source feeds wire i (itself unless swapped). */
  private sourceWire(i: number): number {
    for (const e of this.active) {
      if (e.override.kind !== 'swap') continue;
      const [a, b] = e.wires;
      if (a === i) return b!;
      if (b === i) return a!;
    }
    return i;
  }

  private rawSource(i: number): Signal {
    const w = this.spec.wires[this.sourceWire(i)]!;
    if (towardsProbe(w)) {
      const out = this.dutOut.get(w.dutPin);
      if (!out || 'highZ' in out) return FLOAT;
      if ('level' in out) return { kind: 'dc', v: out.level ? this.spec.dutVcc : 0 };
      return { kind: 'pwm', vHigh: this.spec.dutVcc, freq: out.pwm.freq, fraction: out.pwm.fraction };
    }
    const drive = this.probeOut.get(w.probePin);
    if (!drive) return FLOAT;
    if ('level' in drive) return { kind: 'dc', v: drive.level ? this.probe.vcc : 0 };
    if ('pwm' in drive) {
      const freq = drive.freqHz ?? this.probePwmHz ?? probePwmHz(this.probe, w.probePin);
      return { kind: 'pwm', vHigh: this.probe.vcc, freq, fraction: drive.pwm };
    }
    return drive.pullup ? { kind: 'dc', v: this.probe.vcc } : FLOAT;
  }

  /** Signal arriving at wire i's destination, faults applied (except freeze, which acts on the voltage). */
  private signal(i: number): Signal {
    let sig = this.rawSource(i);
    const vSupply = towardsProbe(this.spec.wires[i]!) ? this.spec.dutVcc : this.probe.vcc;
    for (const e of this.overridesOf(i)) {
      const o = e.override;
      if (o.kind === 'pwm-offset' && sig.kind === 'pwm')
        sig = { ...sig, fraction: sig.fraction + o.points / 100 };
      // A dead LEDC output puts out nothing at any duty, 100 % included.
      if (o.kind === 'pwm-dead' && sig.kind !== 'float') sig = { kind: 'dc', v: 0 };
    }
    sig = normalise(sig);
    for (const e of this.overridesOf(i)) {
      const o = e.override;
      if (o.kind === 'stuck') sig = { kind: 'dc', v: o.level ? vSupply : 0 };
      if (o.kind === 'open') sig = FLOAT;
    }
    return sig;
  }

  private envelope(node: RcNode, t: number): number {
    if (node.sig.kind === 'float') return node.v0; // nothing charges or discharges the capacitor
    const target = node.sig.kind === 'dc' ? node.sig.v : node.sig.fraction * node.sig.vHigh;
    return rcStep(node.v0, target, t - node.t0, node.tauMs);
  }

  /** Voltage at wire i's destination now; null when it floats. */
  private wireVoltage(i: number): number | null {
    const freeze = this.overridesOf(i).find((e) => e.override.kind === 'freeze');
    if (freeze) return freeze.frozen.get(i) ?? null;
    const t = this.clock.now();
    const node = this.nodes.get(i);
    if (node) {
      const v = this.envelope(node, t);
      const sig = node.sig;
      if (sig.kind !== 'pwm') return v;
      const phase = (t * sig.freq) / 1000 + (this.phases[i] ?? 0);
      return v + rcRippleAt(sig.vHigh, sig.fraction, sig.freq, node.tauMs, phase);
    }
    const sig = this.signal(i);
    if (sig.kind === 'float') return null;
    if (sig.kind === 'dc') return sig.v;
    const phase = (t * sig.freq) / 1000 + (this.phases[i] ?? 0);
    return phase - Math.floor(phase) < sig.fraction ? sig.vHigh : 0;
  }

  private noisy(counts: number, bits: number): number {
    if (this.noiseLsb === 0) return counts;
    const n = Math.floor(this.rand() * (2 * this.noiseLsb + 1)) - this.noiseLsb;
    return Math.min(2 ** bits - 1, Math.max(0, counts + n));
  }

  /** Re-base RC nodes whose drive changed, then tell both sides something may have moved. */
  private refresh(): void {
    const now = this.clock.now();
    for (const [i, node] of this.nodes) {
      const sig = this.signal(i);
      if (sameSignal(sig, node.sig)) continue;
      node.v0 = this.envelope(node, now);
      node.t0 = now;
      node.sig = sig;
    }
    for (const listener of [...this.probeListeners]) listener();
    for (const [pin, before] of this.dutLevels) {
      const level = this.dutInput(pin);
      if (level === before) continue;
      this.dutLevels.set(pin, level);
      for (const listener of [...this.dutListeners]) listener(pin, level);
    }
  }
}
