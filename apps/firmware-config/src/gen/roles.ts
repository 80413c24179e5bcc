/**
 * Which roles a GPIO can take, and which role each configured pin has. Works on unvalidated configs too (the
 * web editor holds half-finished ones), so every field is read defensively.
 */
import type { BoardProfile, DeviceConfig, GpioInfo } from '@esphil/device-model';

export type PinRole = 'led' | 'pwm' | 'button' | 'sensor';
export const PIN_ROLES: readonly PinRole[] = ['led', 'pwm', 'button', 'sensor'];

/** Config list holding each role. */
export const ROLE_LIST = { led: 'leds', pwm: 'pwm', button: 'buttons', sensor: 'sensors' } as const;

export const ROLE_LABEL: Record<PinRole, string> = {
  led: 'LED',
  pwm: 'PWM',
  button: 'Button',
  sensor: 'Sensor',
};

export interface PinAssignment {
  gpio: number;
  role: PinRole;
  name: string;
  /** JSON path of the entry, e.g. "pwm[0]". */
  path: string;
}

/** Roles the hardware supports on this pin (ADC2 sensors are left out while WiFi is on: they cannot be read). */
export function rolesForPin(g: GpioInfo, opts: { wifi: boolean }): PinRole[] {
  if (g.flash || g.psram) return [];
  const roles: PinRole[] = [];
  if (g.output) roles.push('led');
  if (g.output && g.pwm) roles.push('pwm');
  if (g.input) roles.push('button');
  if (g.adc && !(g.adc.unit === 2 && opts.wifi)) roles.push('sensor');
  return roles;
}

function entriesOf(config: unknown, list: string): Record<string, unknown>[] {
  if (typeof config !== 'object' || config === null) return [];
  const v = (config as Record<string, unknown>)[list];
  if (!Array.isArray(v)) return [];
  return v.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
}

/** Every entry with an integer pin, in config order (duplicates kept: the validator reports them). */
export function assignmentsOf(config: unknown): PinAssignment[] {
  const out: PinAssignment[] = [];
  for (const role of PIN_ROLES) {
    const list = ROLE_LIST[role];
    entriesOf(config, list).forEach((e, i) => {
      if (typeof e.pin !== 'number' || !Number.isInteger(e.pin)) return;
      out.push({ gpio: e.pin, role, name: typeof e.name === 'string' ? e.name : '', path: `${list}[${i}]` });
    });
  }
  return out;
}

function usedNames(config: DeviceConfig): Set<string> {
  return new Set(assignmentsOf(config).map((a) => a.name));
}

/** A free name like "led1", "pwm2". */
export function freshName(config: DeviceConfig, role: PinRole): string {
  const used = usedNames(config);
  for (let i = 1; ; i++) {
    const name = `${role}${i}`;
    if (!used.has(name)) return name;
  }
}

/** Removes every entry on `gpio` (any role). */
export function clearPin(config: DeviceConfig, gpio: number): DeviceConfig {
  const next: DeviceConfig = { ...config };
  for (const role of PIN_ROLES) {
    const list = ROLE_LIST[role];
    const entries = config[list];
    if (!Array.isArray(entries)) continue;
    const kept = entries.filter((e) => e.pin !== gpio);
    if (kept.length !== entries.length) (next as unknown as Record<string, unknown>)[list] = kept;
  }
  return next;
}

/** Puts `gpio` into the role's list (moving it out of any other), keeping its name when it had one. */
export function assignPin(
  config: DeviceConfig,
  gpio: number,
  role: PinRole | null,
  name?: string,
): DeviceConfig {
  const previous = assignmentsOf(config).find((a) => a.gpio === gpio);
  const next = clearPin(config, gpio);
  if (role === null) return next;
  const chosen = name?.trim() || previous?.name || freshName(next, role);
  // A hand-edited list may not be a list: replace it rather than spread a string into entries.
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  switch (role) {
    case 'led':
      next.leds = [...list(next.leds), { name: chosen, pin: gpio }];
      break;
    case 'pwm':
      next.pwm = [...list(next.pwm), { name: chosen, pin: gpio, freq: 5000, bits: 8 }];
      break;
    case 'button':
      next.buttons = [...list(next.buttons), { name: chosen, pin: gpio }];
      break;
    case 'sensor':
      next.sensors = [...list(next.sensors), { name: chosen, pin: gpio, unit: 'raw' }];
      break;
  }
  return next;
}

/** Pins drawn on the map: those on the headers plus any configured pin that is not. */
export function drawnPins(board: BoardProfile, assigned: readonly PinAssignment[]): GpioInfo[] {
  const used = new Set(assigned.map((a) => a.gpio));
  return board.gpios.filter((g) => g.exposed || used.has(g.gpio));
}
