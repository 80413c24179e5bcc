import type { ProbeBoardId, ProbeProfile } from '@esphil/device-model';

// Local stand-in for @esphil/device-model's PROBE_BOARDS / getProbeBoard until that branch lands; same shape,
// so switching is a one-line import change. Values follow StandardFirmata's Boards.h pin classes.

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const LOCAL_PROBE_BOARDS: Readonly<Record<ProbeBoardId, ProbeProfile>> = {
  'arduino-uno': {
    id: 'arduino-uno',
    vcc: 5,
    vref: 5,
    adcBits: 10,
    // ATmega328P: VIH min 0.6 x VCC, VIL max 0.3 x VCC.
    vih: 3,
    vil: 1.5,
    // Pins 0/1 are the serial link to the host; Firmata reports no modes for them.
    digitalPins: range(2, 19),
    analogPins: { 0: 14, 1: 15, 2: 16, 3: 17, 4: 18, 5: 19 },
    pwmPins: [3, 5, 6, 9, 10, 11],
  },
  'arduino-zero': {
    id: 'arduino-zero',
    vcc: 3.3,
    vref: 3.3,
    // StandardFirmata leaves analogRead at the Arduino default of 10 bits on SAMD.
    adcBits: 10,
    // SAMD21: VIH min 0.55 x VDD, VIL max 0.3 x VDD.
    vih: 1.82,
    vil: 0.99,
    digitalPins: range(2, 21),
    analogPins: { 0: 14, 1: 15, 2: 16, 3: 17, 4: 18, 5: 19 },
    pwmPins: [3, 4, 5, 6, 8, 9, 10, 11, 12, 13],
  },
};

export function getProbeProfile(id: ProbeBoardId): ProbeProfile {
  const profile = LOCAL_PROBE_BOARDS[id];
  if (!profile)
    throw new Error(
      `unknown probe board "${String(id)}"; known: ${Object.keys(LOCAL_PROBE_BOARDS).join(', ')}`,
    );
  return profile;
}

/** Firmata's view of a profile: pin count and per-pin capabilities. */
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

export function firmataPinMap(profile: ProbeProfile): FirmataPinMap {
  const digital = new Set(profile.digitalPins);
  const pwm = new Set(profile.pwmPins);
  const channelPin = new Map<number, number>();
  for (const [ch, pin] of Object.entries(profile.analogPins)) channelPin.set(Number(ch), pin);
  const pinChannel = new Map([...channelPin].map(([ch, pin]) => [pin, ch]));
  const totalPins = Math.max(-1, ...digital, ...pwm, ...channelPin.values()) + 1;
  const capabilities: FirmataPinMap['capabilities'] = [];
  const analogChannel: Array<number | null> = [];
  for (let pin = 0; pin < totalPins; pin++) {
    const caps: Array<[number, number]> = [];
    if (digital.has(pin)) caps.push([0x00, 1], [0x0b, 1], [0x01, 1]);
    if (pinChannel.has(pin)) caps.push([0x02, profile.adcBits]);
    if (pwm.has(pin)) caps.push([0x03, PWM_BITS]);
    capabilities.push(caps);
    analogChannel.push(pinChannel.get(pin) ?? null);
  }
  return { totalPins, capabilities, analogChannel, channelPin, digital, pwm };
}
