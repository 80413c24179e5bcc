/**
 * Checks a bench wiring against the DUT config and both boards: every pin exists, each wire connects the
 * right kinds of pins, no probe pin is used twice, and the logic levels fit.
 */

import { getProbeBoard } from '../boards/probes';
import { getBoard, getGpio } from '../boards/profiles';
import type { DeviceConfig, Diagnostic, ResolvedConfig } from '../config/types';
import { expectDigital } from './digital';
import type { ProbeProfile, Wire, WiringSpec } from './types';

/** ESP32 absolute maximum input voltage above VDD (datasheet: VDD + 0.3 V). */
export const DUT_INPUT_HEADROOM_V = 0.3;

type Role = 'led' | 'pwm' | 'button' | 'sensor';

function rolesOf(config: DeviceConfig | ResolvedConfig): Map<number, { role: Role; name: string }> {
  const roles = new Map<number, { role: Role; name: string }>();
  for (const l of config.leds ?? []) roles.set(l.pin, { role: 'led', name: l.name });
  for (const p of config.pwm ?? []) roles.set(p.pin, { role: 'pwm', name: p.name });
  for (const b of config.buttons ?? []) roles.set(b.pin, { role: 'button', name: b.name });
  for (const s of config.sensors ?? []) roles.set(s.pin, { role: 'sensor', name: s.name });
  return roles;
}

const finitePositive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;

export function validateWiring(spec: WiringSpec, config: DeviceConfig | ResolvedConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const err = (path: string, code: string, message: string, hint: string, pin?: number): void => {
    out.push(
      pin === undefined
        ? { severity: 'error', path, code, message, hint }
        : { severity: 'error', path, code, message, hint, pin },
    );
  };
  const probe = getProbeBoard(spec.probe);
  const board = getBoard(config.board);
  if (!probe) {
    err(
      'probe',
      'wiring.probe-unknown',
      `Unknown probe board '${String(spec.probe)}'`,
      'Use arduino-uno or arduino-zero.',
    );
    return out;
  }
  if (!board) {
    err(
      'board',
      'board.unknown',
      `Unknown DUT board '${String(config.board)}'`,
      'Fix the device config first.',
    );
    return out;
  }
  if (!finitePositive(spec.dutVcc) || spec.dutVcc > 5.5) {
    err(
      'dutVcc',
      'wiring.dut-vcc',
      `dutVcc ${String(spec.dutVcc)} is not a plausible logic level`,
      'Use 3.3 for an ESP32.',
    );
    return out;
  }
  const roles = rolesOf(config);
  const probeUse = new Map<number, string>();
  const dutDriven = new Map<number, string>();
  const maxDutInput = spec.dutVcc + DUT_INPUT_HEADROOM_V;

  spec.wires.forEach((w: Wire, i) => {
    const at = `wires[${i}]`;
    const label = `wire '${w.name}'`;
    const g = getGpio(board, w.dutPin);
    if (!g || g.flash) {
      err(
        `${at}.dutPin`,
        'wiring.dut-pin',
        `${label}: GPIO${w.dutPin} is not a usable GPIO on the ${board.name}`,
        'Use the GPIO number from the device config.',
        w.dutPin,
      );
      return;
    }
    const role = roles.get(w.dutPin);
    const claimProbePin = (pin: number, field: string): void => {
      const first = probeUse.get(pin);
      if (first) {
        err(
          `${at}.${field}`,
          'wiring.probe-pin-duplicate',
          `${label}: ${probe.id} pin ${pin} is already used by wire '${first}'`,
          'Give each wire its own probe pin (analog A0 is pin 14).',
          w.dutPin,
        );
      } else probeUse.set(pin, w.name);
    };
    const needProbePin = (pin: number, pins: number[], what: string, field: string): boolean => {
      if (!pins.includes(pin)) {
        err(
          `${at}.${field}`,
          'wiring.probe-pin',
          `${label}: ${probe.id} pin ${pin} is not a ${what} pin`,
          `Use one of: ${pins.join(', ')}.`,
          w.dutPin,
        );
        return false;
      }
      return true;
    };
    const needRc = (r: unknown, c: unknown): void => {
      if (!finitePositive(r) || !finitePositive(c)) {
        err(
          at,
          'wiring.rc-values',
          `${label}: r and c must be positive numbers (ohms, farads)`,
          'E.g. r: 10000, c: 10e-6 (tau 0.1 s).',
          w.dutPin,
        );
      }
    };
    const driveDut = (): void => {
      const first = dutDriven.get(w.dutPin);
      if (first) {
        err(
          `${at}.dutPin`,
          'wiring.dut-pin-conflict',
          `${label}: DUT GPIO${w.dutPin} is already driven by wire '${first}'`,
          'Only one probe output may drive a DUT pin.',
          w.dutPin,
        );
      } else dutDriven.set(w.dutPin, w.name);
    };

    switch (w.kind) {
      case 'digital': {
        if (role?.role !== 'led' && role?.role !== 'pwm') {
          err(
            `${at}.dutPin`,
            'wiring.not-output',
            `${label}: DUT GPIO${w.dutPin} is not a configured LED or PWM output`,
            'Wire digital probe inputs to LED or PWM pins of the device config.',
            w.dutPin,
          );
        }
        if (needProbePin(w.probePin, probe.digitalPins, 'digital', 'probePin'))
          claimProbePin(w.probePin, 'probePin');
        out.push(...expectDigital(1, w, probe, spec.dutVcc, { path: at }).diagnostics);
        break;
      }
      case 'rc': {
        if (role?.role !== 'pwm') {
          err(
            `${at}.dutPin`,
            'wiring.not-pwm',
            `${label}: DUT GPIO${w.dutPin} is not a configured PWM output`,
            'An RC wire measures a PWM output: point it at a pwm[] pin.',
            w.dutPin,
          );
        }
        const pin = probe.analogPins[w.probeAnalog];
        if (pin === undefined) {
          err(
            `${at}.probeAnalog`,
            'wiring.probe-analog',
            `${label}: ${probe.id} has no analog channel A${w.probeAnalog}`,
            `Use A0..A${Object.keys(probe.analogPins).length - 1}.`,
            w.dutPin,
          );
        } else claimProbePin(pin, 'probeAnalog');
        needRc(w.r, w.c);
        if (spec.dutVcc > probe.vref) {
          out.push({
            severity: 'warning',
            path: at,
            code: 'wiring.clipped',
            message: `${label}: DUT highs of ${spec.dutVcc} V exceed the probe's ${probe.vref} V ADC reference and clip`,
            hint: 'Add a divider before the RC filter or use a probe with a higher reference.',
            pin: w.dutPin,
          });
        }
        break;
      }
      case 'drive':
      case 'analog-drive': {
        const wanted = w.kind === 'drive' ? 'button' : 'sensor';
        if (role?.role !== wanted) {
          err(
            `${at}.dutPin`,
            w.kind === 'drive' ? 'wiring.not-input' : 'wiring.not-sensor',
            `${label}: DUT GPIO${w.dutPin} is not a configured ${wanted}`,
            w.kind === 'drive'
              ? 'Drive wires go into buttons[] pins (never into a DUT output).'
              : 'Analog drive wires go into sensors[] pins.',
            w.dutPin,
          );
        }
        const pins = w.kind === 'drive' ? probe.digitalPins : probe.pwmPins;
        if (needProbePin(w.probePin, pins, w.kind === 'drive' ? 'digital' : 'PWM', 'probePin'))
          claimProbePin(w.probePin, 'probePin');
        if (w.kind === 'analog-drive') needRc(w.r, w.c);
        driveDut();
        checkOvervoltage(out, w, at, label, probe, maxDutInput);
        break;
      }
      default:
        err(
          at,
          'wiring.kind',
          `Unknown wire kind '${String((w as { kind?: unknown }).kind)}'`,
          'Use digital, rc, drive or analog-drive.',
        );
    }
  });
  return out;
}

function checkOvervoltage(
  out: Diagnostic[],
  w: Wire,
  at: string,
  label: string,
  probe: ProbeProfile,
  maxV: number,
): void {
  if (probe.vcc <= maxV) return;
  if (w.kind === 'drive') {
    out.push({
      severity: 'error',
      path: at,
      code: 'wiring.overvoltage',
      message: `${label}: the ${probe.vcc} V ${probe.id} drives DUT GPIO${w.dutPin}, above its ${maxV.toFixed(1)} V maximum`,
      hint: 'Use a level shifter or a divider (e.g. 10 kOhm / 20 kOhm), or a 3.3 V probe board (arduino-zero).',
      pin: w.dutPin,
    });
  } else {
    out.push({
      severity: 'warning',
      path: at,
      code: 'wiring.overvoltage',
      message: `${label}: the filtered ${probe.vcc} V PWM exceeds the DUT's ${maxV.toFixed(1)} V maximum above ${Math.floor((maxV / probe.vcc) * 100)} % duty`,
      hint: `Keep the probe duty below ${(maxV / probe.vcc).toFixed(2)}, add a divider, or use a 3.3 V probe board.`,
      pin: w.dutPin,
    });
  }
}
