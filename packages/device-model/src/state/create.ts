import type { DeviceStateSnapshot } from '@esphil/protocol';
import { deriveCapabilities } from '../capabilities';
import { formatDiagnostic } from '../config/diagnostics';
import type { DeviceConfig, Diagnostic, ResolvedConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import { allocateLedc } from '../ledc/allocate';
import { pwmFraction } from '../ledc/duty';
import type { Effect, MachineState } from './types';

export class DeviceConfigError extends Error {
  readonly code = 'config.invalid';
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`Invalid device config (${errors.length} error(s)): ${errors.map(formatDiagnostic).join('; ')}`);
    this.name = 'DeviceConfigError';
  }
}

/**
 * Boot state for a config. Throws DeviceConfigError when the config has errors: a device cannot boot
 * a config its hardware cannot run (validate untrusted input with validateConfig first).
 */
export function createMachine(config: DeviceConfig | ResolvedConfig): MachineState {
  const { config: resolved, diagnostics } = validateConfig(config);
  if (!resolved) throw new DeviceConfigError(diagnostics);
  const alloc = allocateLedc(resolved);
  const snapshot: DeviceStateSnapshot = {
    leds: Object.fromEntries(resolved.leds.map((l) => [l.name, l.initial])),
    pwm: Object.fromEntries(
      resolved.pwm.map((p) => [p.name, { freq: p.freq, bits: p.bits, duty: p.initialDuty }]),
    ),
    buttons: Object.fromEntries(resolved.buttons.map((b) => [b.name, false])),
    sensors: Object.fromEntries(resolved.sensors.map((s) => [s.name, { raw: 0, value: s.offset }])),
    logLevel: resolved.logLevel,
  };
  return {
    snapshot,
    caps: deriveCapabilities(resolved),
    subscriptions: {},
    authorized: [],
    config: resolved,
    ledc: alloc.assignments,
  };
}

export function ledLevel(on: boolean, activeLow: boolean): 0 | 1 {
  return on !== activeLow ? 1 : 0;
}

/** Outputs the hardware must be set to at boot (LED levels, PWM setups and duties). */
export function bootEffects(state: MachineState): Effect[] {
  const effects: Effect[] = [];
  for (const l of state.config.leds) {
    const on = state.snapshot.leds[l.name] ?? false;
    effects.push({ kind: 'led-output', led: l.name, pin: l.pin, on, level: ledLevel(on, l.activeLow) });
  }
  for (const p of state.config.pwm) {
    const s = state.snapshot.pwm[p.name];
    if (!s) continue;
    effects.push({
      kind: 'pwm-output',
      ch: p.name,
      pin: p.pin,
      freq: s.freq,
      bits: s.bits,
      duty: s.duty,
      fraction: pwmFraction(s.duty, s.bits),
    });
  }
  return effects;
}
