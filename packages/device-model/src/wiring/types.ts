/**
 * Bench wiring: how DUT pins reach probe pins and back. One shape for the HIL bench file and the
 * simulator's virtual wiring, so a bench described once runs on real hardware and in simulation.
 */

export type ProbeBoardId = 'arduino-uno' | 'arduino-zero';

export interface ProbeProfile {
  id: ProbeBoardId;
  /** Logic supply and ADC reference, volts. */
  vcc: number;
  vref: number;
  adcBits: number;
  /** Input-high / input-low thresholds, volts. */
  vih: number;
  vil: number;
  digitalPins: number[];
  /** Analog channel -> digital pin number as Firmata numbers them (A0 on an Uno is pin 14). */
  analogPins: Record<number, number>;
  pwmPins: number[];
  /** Firmata's TOTAL_PINS (pin-state, capability and analog-mapping replies cover 0..totalPins-1). */
  totalPins?: number;
  /** Pins StandardFirmata offers as I2C (IS_PIN_I2C). */
  i2cPins?: number[];
  /** analogWrite frequency, Hz, on pins not listed in pwmHzByPin. */
  pwmHz?: number;
  /** analogWrite frequency per pin where it differs (Uno: Timer0 pins 5 and 6). */
  pwmHzByPin?: Record<number, number>;
  /** Firmata's VERSION_BLINK_PIN (pulses the firmware version at boot). */
  versionBlinkPin?: number;
}

/** DUT digital output -> probe digital input. */
export interface DigitalWire {
  kind: 'digital';
  /** Free-form label used in messages, e.g. "status LED". */
  name: string;
  dutPin: number;
  probePin: number;
}
/** DUT PWM output -> RC low-pass -> probe analog input. */
export interface RcWire {
  kind: 'rc';
  name: string;
  dutPin: number;
  /** Probe analog channel (A0 = 0). */
  probeAnalog: number;
  /** Ohms and farads, e.g. 10_000 and 10e-6. */
  r: number;
  c: number;
}
/** Probe digital output -> DUT input (a button line). */
export interface DriveWire {
  kind: 'drive';
  name: string;
  probePin: number;
  dutPin: number;
}
/** Probe PWM output -> RC low-pass -> DUT ADC input (a sensor line), so the probe sets a level. */
export interface AnalogDriveWire {
  kind: 'analog-drive';
  name: string;
  probePin: number;
  dutPin: number;
  r: number;
  c: number;
}
export type Wire = DigitalWire | RcWire | DriveWire | AnalogDriveWire;

export interface WiringSpec {
  /** DUT logic level, volts (3.3 on ESP32). */
  dutVcc: number;
  probe: ProbeBoardId;
  wires: Wire[];
}

/** What the probe should read for a given DUT output, and how sure we can be. */
export interface ExpectedReading {
  value: number;
  /** Accept |measured - value| <= tolerance. */
  tolerance: number;
  /** Wait at least this long after the change before reading. */
  settleMs: number;
}
