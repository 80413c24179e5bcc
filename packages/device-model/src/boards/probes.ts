/**
 * Probe boards running StandardFirmata, numbered as Firmata numbers them (analog A0 = digital 14 on both).
 * Sources (read): firmata/arduino 2.5.9 Boards.h (the ATmega328P and _VARIANT_ARDUINO_ZERO_ blocks) and
 * arduino/ArduinoCore-samd variants/arduino_zero/variant.cpp (g_APinDescription) and boards.txt.
 * Pins 0/1 carry Firmata's serial link on the Uno and are not digital pins to Firmata (IS_PIN_DIGITAL starts at 2);
 * on the Zero Firmata talks over the EDBG port, so 0/1 (Serial1) are ordinary digital pins (IS_PIN_DIGITAL 0..19).
 */
import type { ProbeBoardId, ProbeProfile } from '../wiring/types';

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const analogMap = (count: number, first: number): Record<number, number> =>
  Object.fromEntries(range(0, count - 1).map((ch) => [ch, first + ch]));

export const PROBE_BOARDS: Record<ProbeBoardId, ProbeProfile> = {
  // ATmega328P: VIH = 0.6 VCC, VIL = 0.3 VCC.
  'arduino-uno': {
    id: 'arduino-uno',
    vcc: 5,
    vref: 5,
    adcBits: 10,
    vih: 3.0,
    vil: 1.5,
    digitalPins: range(2, 19),
    analogPins: analogMap(6, 14),
    pwmPins: [3, 5, 6, 9, 10, 11],
    totalPins: 20,
    i2cPins: [18, 19],
    // 16 MHz / 64 / 510 (phase-correct Timer1/Timer2) and 16 MHz / 64 / 256 (fast-PWM Timer0 on pins 5 and 6).
    pwmHz: 16e6 / 64 / 510,
    pwmHzByPin: { 5: 16e6 / 64 / 256, 6: 16e6 / 64 / 256 },
    versionBlinkPin: 13,
  },
  // SAMD21: VIH = 0.55 VDD, VIL = 0.3 VDD; Firmata keeps the ADC at 10 bits.
  'arduino-zero': {
    id: 'arduino-zero',
    vcc: 3.3,
    vref: 3.3,
    adcBits: 10,
    vih: 1.82,
    vil: 0.99,
    digitalPins: range(0, 19),
    analogPins: analogMap(6, 14),
    // digitalPinHasPWM: a TCC/TC channel in variant.cpp (pins 7, 15 = A1 and 16 = A2 included; 2 and 17-19 not).
    pwmPins: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16],
    // 14 digital + 6 analog + 2 I2C (20 SDA, 21 SCL) + 3 SPI.
    totalPins: 25,
    i2cPins: [20, 21],
    // 48 MHz / 65536 (the core's 16-bit TCC/TC period), read, not measured.
    pwmHz: 48e6 / 65536,
    versionBlinkPin: 13,
  },
};

export const PROBE_BOARD_IDS = Object.keys(PROBE_BOARDS) as ProbeBoardId[];

/** analogWrite frequency of a probe pin, Hz. */
export function probePwmHz(profile: ProbeProfile, pin: number): number {
  return profile.pwmHzByPin?.[pin] ?? profile.pwmHz ?? DEFAULT_PROBE_PWM_HZ;
}

/** Arduino's analogWrite frequency on most AVR pins, for profiles that do not say. */
export const DEFAULT_PROBE_PWM_HZ = 16e6 / 64 / 510;

export function getProbeBoard(id: string): ProbeProfile | undefined {
  return Object.hasOwn(PROBE_BOARDS, id) ? PROBE_BOARDS[id as ProbeBoardId] : undefined;
}
