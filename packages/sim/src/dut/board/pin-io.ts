/**
 * The board's pins between the app and the virtual wiring: outputs with the pin faults (led-stuck, pwm-offset,
 * pwm-dead), inputs as the app reads them (button levels with button-dead, ADC counts with sensor-frozen) and the
 * debounced button watch the backend app gets its button inputs from (the firmware debounces by itself).
 */
import type { ButtonConfig, DeviceConfig } from '@esphil/device-model';
import { type FaultPlan, faultedPwmFraction } from '../../faults/index';
import type { DutPinBus, Level } from '../pins';

/** ESP32 ADC: 12 bits over the 0..3.3 V range (11 dB attenuation, linearised). */
export const ADC_BITS = 12;
export const ADC_FULL_SCALE_VOLTS = 3.3;
export const DEFAULT_DEBOUNCE_MS = 30;

/** GPIO34..39 have no internal pull resistors (ESP32 datasheet, IO_MUX). */
function defaultPull(pin: number): 'up' | 'none' {
  return pin >= 34 && pin <= 39 ? 'none' : 'up';
}

interface ButtonWatch {
  cfg: ButtonConfig;
  stable: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

export class PinIo {
  readonly bus: DutPinBus;
  private readonly faults: FaultPlan;
  private readonly frozenAdc = new Map<number, number>();
  private readonly buttons = new Map<number, ButtonWatch>();
  private onButton: ((name: string, pressed: boolean) => void) | null = null;
  private unwatch: (() => void) | null = null;

  constructor(bus: DutPinBus, faults: FaultPlan) {
    this.bus = bus;
    this.faults = faults;
  }

  /** digitalWrite, through led-stuck. */
  digital(pin: number, level: Level): void {
    this.bus.driveDigital(pin, this.faults.ledStuck ?? level);
  }

  /** A LEDC output at its effective duty fraction, through pwm-dead / pwm-offset. */
  pwm(pin: number, freq: number, fraction: number): void {
    this.bus.drivePwm(pin, freq, faultedPwmFraction(this.faults, fraction));
  }

  /** Reset or download mode: every output floats. */
  release(pins: readonly number[]): void {
    for (const p of pins) this.bus.driveDigital(p, null);
  }

  /** analogRead(): 12-bit counts; sensor-frozen holds the first reading of each pin. */
  readAdc(pin: number): number {
    const frozen = this.frozenAdc.get(pin);
    if (frozen !== undefined) return frozen;
    const max = (1 << ADC_BITS) - 1;
    const v = this.bus.readVolts(pin);
    const raw = Number.isFinite(v)
      ? Math.min(max, Math.max(0, Math.round((v / ADC_FULL_SCALE_VOLTS) * max)))
      : 0;
    if (this.faults.sensorFrozen) this.frozenAdc.set(pin, raw);
    return raw;
  }

  /** digitalRead() of a button pin: an undriven pin reads its pull. button-dead: it always reads released. */
  buttonLevel(cfg: ButtonConfig): Level {
    const activeLow = cfg.activeLow ?? true;
    if (this.faults.buttonDead) return activeLow ? 1 : 0;
    const raw = this.bus.readDigital(cfg.pin);
    return raw ?? ((cfg.pull ?? defaultPull(cfg.pin)) === 'up' ? 1 : 0);
  }

  private pressed(cfg: ButtonConfig): boolean {
    const level = this.buttonLevel(cfg);
    return (cfg.activeLow ?? true) ? level === 0 : level === 1;
  }

  /** Debounced button changes of `config`'s buttons to `onButton` (backend app), until unwatchButtons(). */
  watchButtons(config: DeviceConfig, onButton: (name: string, pressed: boolean) => void): void {
    this.unwatchButtons();
    this.onButton = onButton;
    for (const cfg of config.buttons ?? []) this.buttons.set(cfg.pin, { cfg, stable: false, timer: null });
    this.unwatch = this.bus.onInputChange((pin) => this.onInputChange(pin));
    for (const pin of this.buttons.keys()) this.onInputChange(pin);
  }

  unwatchButtons(): void {
    this.unwatch?.();
    this.unwatch = null;
    this.onButton = null;
    for (const b of this.buttons.values()) if (b.timer) clearTimeout(b.timer);
    this.buttons.clear();
  }

  private onInputChange(pin: number): void {
    const watch = this.buttons.get(pin);
    if (!watch || this.faults.buttonDead) return;
    if (watch.timer) clearTimeout(watch.timer);
    watch.timer = setTimeout(() => {
      watch.timer = null;
      if (this.buttons.get(pin) !== watch) return;
      const pressed = this.pressed(watch.cfg);
      if (pressed === watch.stable) return;
      watch.stable = pressed;
      this.onButton?.(watch.cfg.name, pressed);
    }, watch.cfg.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  }
}
