import { getProbeBoard, PROBE_BOARD_IDS, type ProbeBoardId, type ProbeProfile } from '@esphil/device-model';

/** The probe board profile from @esphil/device-model; throws a typed error for an unknown id. */
export function getProbeProfile(id: ProbeBoardId): ProbeProfile {
  const profile = getProbeBoard(id);
  if (!profile) {
    throw new ProbeProfileError(`unknown probe board "${String(id)}"; known: ${PROBE_BOARD_IDS.join(', ')}`);
  }
  return profile;
}

export class ProbeProfileError extends Error {
  readonly code = 'unknown_probe_board';
  constructor(message: string) {
    super(message);
    this.name = 'ProbeProfileError';
  }
}

/** Firmata's view of a profile: pin count and per-pin capabilities, in the capability reply's order
 * (firmata/arduino 2.5.9 StandardFirmata.ino CAPABILITY_QUERY). */
export interface FirmataPinMap {
  totalPins: number;
  /** Per pin: supported (mode, resolution bits) pairs, in StandardFirmata's order. */
  capabilities: Array<Array<[mode: number, bits: number]>>;
  /** Per pin: analog channel or null. */
  analogChannel: Array<number | null>;
  /** Analog channel -> pin. */
  channelPin: Map<number, number>;
  digital: Set<number>;
  pwm: Set<number>;
}

/** PWM resolution Arduino's analogWrite takes. */
export const PWM_BITS = 8;
/** What StandardFirmata reports as the SERVO resolution (14 bits: angle or microseconds). */
export const SERVO_BITS = 14;

export function firmataPinMap(profile: ProbeProfile): FirmataPinMap {
  const digital = new Set(profile.digitalPins);
  const pwm = new Set(profile.pwmPins);
  const channelPin = new Map<number, number>();
  for (const [ch, pin] of Object.entries(profile.analogPins)) channelPin.set(Number(ch), pin);
  const pinChannel = new Map([...channelPin].map(([ch, pin]) => [pin, ch]));
  const i2c = new Set(profile.i2cPins ?? []);
  const totalPins = profile.totalPins ?? Math.max(-1, ...digital, ...pwm, ...channelPin.values(), ...i2c) + 1;
  const capabilities: FirmataPinMap['capabilities'] = [];
  const analogChannel: Array<number | null> = [];
  for (let pin = 0; pin < totalPins; pin++) {
    const caps: Array<[number, number]> = [];
    if (digital.has(pin)) caps.push([0x00, 1], [0x0b, 1], [0x01, 1]);
    if (pinChannel.has(pin)) caps.push([0x02, profile.adcBits]);
    if (pwm.has(pin)) caps.push([0x03, PWM_BITS]);
    // StandardFirmata 2.5 lists SERVO on every digital pin (IS_PIN_SERVO is deprecated since 2.4).
    if (digital.has(pin)) caps.push([0x04, SERVO_BITS]);
    if (i2c.has(pin)) caps.push([0x06, 1]);
    capabilities.push(caps);
    analogChannel.push(pinChannel.get(pin) ?? null);
  }
  return { totalPins, capabilities, analogChannel, channelPin, digital, pwm };
}
