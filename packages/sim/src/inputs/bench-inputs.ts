/**
 * The simulated bench's inputs while no host drives the probe (app development with esphil-sim): the button
 * lines rest released and can be pressed, the sensors follow a waveform or a set voltage. Once a host opens the
 * probe port (the HIL runner), the probe's own lines decide again, exactly as on a real bench.
 *
 * Why the release at rest: StandardFirmata's systemResetCallback() puts every digital pin OUTPUT LOW
 * (firmata-facts.md), and the default wiring drives the DUT's active-low `boot` button from probe D7, so an
 * unattended bench held the button pressed. The HIL session releases the lines after it opens the probe
 * (hil/src/session/open.ts); a bench with nobody on the probe port now does the same itself.
 */
import type { ButtonConfig, DeviceConfig, SensorConfig, WiringSpec } from '@esphil/device-model';
import type { DutPinBus, Level } from '../dut/pins';
import { SimError } from '../errors';
import type { Clock } from '../probe/clock';
import type { VirtualWiring } from '../wiring/virtual-wiring';
import { sensorWaveVolts } from './waveform';

export type SensorSource = { kind: 'wave' } | { kind: 'volts'; volts: number };

/** Highest voltage a sensor can be set to: the ESP32 ADC's full scale. */
export const MAX_SENSOR_VOLTS = 3.3;

export interface BenchInputsOptions {
  config: DeviceConfig;
  spec: WiringSpec;
  wiring: VirtualWiring;
  clock: Clock;
  /** Sensors start on the waveform (true, esphil-sim) or on their wires (false, startSimBench's default). */
  sensorWave: boolean;
}

export interface InputsStatus {
  buttons: Record<string, 'pressed' | 'released' | 'probe'>;
  sensors: Record<string, SensorSource | { kind: 'probe' }>;
}

export class BenchInputs {
  private readonly opts: BenchInputsOptions;
  private readonly startedAt: number;
  private readonly sensors = new Map<number, SensorSource | null>();
  private readonly pressed = new Map<string, boolean>();
  private heldByHost = false;
  private readonly listeners = new Set<(pin: number) => void>();

  constructor(opts: BenchInputsOptions) {
    this.opts = opts;
    this.startedAt = opts.clock.now();
    for (const s of opts.config.sensors ?? [])
      this.sensors.set(s.pin, opts.sensorWave ? { kind: 'wave' } : null);
    for (const b of opts.config.buttons ?? []) this.setButton(b.name, false);
  }

  /** A host opened the probe port: its lines are its own from now on. */
  handOver(): void {
    if (this.heldByHost) return;
    this.heldByHost = true;
    const pins = [...this.sensors.keys()];
    this.sensors.clear();
    for (const pin of pins) for (const l of this.listeners) l(pin);
  }

  get hostHasProbe(): boolean {
    return this.heldByHost;
  }

  private button(name: string): ButtonConfig {
    const b = (this.opts.config.buttons ?? []).find((x) => x.name === name);
    if (!b) {
      const names = (this.opts.config.buttons ?? []).map((x) => x.name).join(', ') || 'none';
      throw new SimError('bad_option', `no button "${name}"; buttons: ${names}`);
    }
    return b;
  }

  private sensor(name: string | undefined): SensorConfig {
    const all = this.opts.config.sensors ?? [];
    const s = name === undefined ? all[0] : all.find((x) => x.name === name);
    if (!s) {
      const names = all.map((x) => x.name).join(', ') || 'none';
      throw new SimError('bad_option', `no sensor${name ? ` "${name}"` : ''}; sensors: ${names}`);
    }
    return s;
  }

  private refuseWhileHostHasProbe(): void {
    if (this.heldByHost) {
      throw new SimError('not_running', 'a host has the probe port open: the probe drives the inputs now');
    }
  }

  /** Press or release a button through its wire from the probe (level per the button's activeLow). */
  setButton(name: string, pressed: boolean): void {
    this.refuseWhileHostHasProbe();
    const b = this.button(name);
    const activeLow = b.activeLow ?? true;
    const level: Level = pressed === activeLow ? 0 : 1;
    const wire = this.opts.spec.wires.find((w) => w.kind === 'drive' && w.dutPin === b.pin);
    if (wire && wire.kind === 'drive') this.opts.wiring.setProbeOutput(wire.probePin, { level });
    else if (pressed) {
      throw new SimError(
        'bad_option',
        `button "${name}" (GPIO${b.pin}) has no wire from the probe to press it`,
      );
    }
    this.pressed.set(name, pressed);
  }

  /** Set a sensor's input to a voltage or back to the waveform; `name` defaults to the first sensor. */
  setSensor(name: string | undefined, source: SensorSource): string {
    this.refuseWhileHostHasProbe();
    const s = this.sensor(name);
    if (source.kind === 'volts' && !(source.volts >= 0 && source.volts <= MAX_SENSOR_VOLTS)) {
      throw new SimError('bad_option', `sensor volts must be 0..${MAX_SENSOR_VOLTS}, got ${source.volts}`);
    }
    this.sensors.set(s.pin, source);
    for (const l of this.listeners) l(s.pin);
    return s.name;
  }

  /** Volts at an ADC pin when the bench (not the probe) decides them; null = read the wire. */
  sensorVolts(pin: number): number | null {
    const src = this.sensors.get(pin);
    if (!src) return null;
    return src.kind === 'volts' ? src.volts : sensorWaveVolts(this.opts.clock.now() - this.startedAt);
  }

  status(): InputsStatus {
    const buttons: InputsStatus['buttons'] = {};
    for (const b of this.opts.config.buttons ?? []) {
      buttons[b.name] = this.heldByHost ? 'probe' : this.pressed.get(b.name) ? 'pressed' : 'released';
    }
    const sensors: InputsStatus['sensors'] = {};
    for (const s of this.opts.config.sensors ?? [])
      sensors[s.name] = this.sensors.get(s.pin) ?? { kind: 'probe' };
    return { buttons, sensors };
  }

  /** The DUT's pins with the bench's sensor sources in front of the wiring. */
  pinBus(inner: DutPinBus): DutPinBus {
    return {
      driveDigital: (pin, level) => inner.driveDigital(pin, level),
      drivePwm: (pin, freq, fraction) => inner.drivePwm(pin, freq, fraction),
      readDigital: (pin) => inner.readDigital(pin),
      readVolts: (pin) => this.sensorVolts(pin) ?? inner.readVolts(pin),
      onInputChange: (listener) => {
        const offInner = inner.onInputChange(listener);
        this.listeners.add(listener);
        return () => {
          offInner();
          this.listeners.delete(listener);
        };
      },
    };
  }
}
