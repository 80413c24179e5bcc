import type { Diagnostic } from '../config/types';
import type { DigitalWire, ProbeProfile } from './types';

/** Below this many volts between the driven level and the probe's threshold, a reading is called marginal. */
export const DEFAULT_MARGINAL_V = 0.5;

export interface DigitalExpectation {
  /** The logic value the probe should read. */
  value: 0 | 1;
  /** Volts at the probe pin (an unloaded CMOS output sits at its rail). */
  volts: number;
  /** Distance to the probe's threshold (vih for high, vil for low); negative = the probe cannot see it. */
  marginV: number;
  /** 'wiring.threshold' (error) or 'wiring.marginal' (warning) when the levels do not fit. */
  diagnostics: Diagnostic[];
}

/**
 * What a probe digital input reads when the DUT drives `level`, and whether the logic levels fit:
 * a 3.3 V high into a 5 V Uno (vih 3.0 V) has only 0.3 V margin.
 */
export function expectDigital(
  level: boolean | 0 | 1,
  wire: Pick<DigitalWire, 'name' | 'dutPin' | 'probePin'>,
  probe: ProbeProfile,
  dutVcc: number,
  opts: { marginalV?: number; path?: string } = {},
): DigitalExpectation {
  const high = level === true || level === 1;
  const volts = high ? dutVcc : 0;
  const marginV = high ? volts - probe.vih : probe.vil - volts;
  const marginal = opts.marginalV ?? DEFAULT_MARGINAL_V;
  const path = opts.path ?? 'wires';
  const what = `'${wire.name}' (DUT GPIO${wire.dutPin} -> ${probe.id} pin ${wire.probePin})`;
  const diagnostics: Diagnostic[] = [];
  if (marginV < 0) {
    diagnostics.push({
      severity: 'error',
      path,
      code: 'wiring.threshold',
      message: `${what}: a ${high ? 'high' : 'low'} of ${volts} V does not reach the probe's input-${high ? 'high' : 'low'} threshold of ${high ? probe.vih : probe.vil} V`,
      hint: 'Use a probe board with the same logic level as the DUT, or a level shifter.',
      pin: wire.dutPin,
    });
  } else if (marginV < marginal) {
    diagnostics.push({
      severity: 'warning',
      path,
      code: 'wiring.marginal',
      message: `${what}: a ${high ? 'high' : 'low'} of ${volts} V clears the probe's ${high ? probe.vih : probe.vil} V threshold by only ${marginV.toFixed(2)} V`,
      hint: `Readings may flip with noise or a sagging supply; use a ${dutVcc} V probe board (e.g. arduino-zero) or a level shifter.`,
      pin: wire.dutPin,
    });
  }
  return { value: high ? 1 : 0, volts, marginV, diagnostics };
}
