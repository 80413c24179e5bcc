/**
 * Probe boards running StandardFirmata, numbered as Firmata numbers them (analog A0 = digital 14 on both).
 * Pins 0/1 carry Firmata's serial link on the Uno and are not digital pins to Firmata (IS_PIN_DIGITAL starts at 2).
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
  },
  // SAMD21: VIH = 0.55 VDD, VIL = 0.3 VDD; Firmata keeps the ADC at 10 bits.
  'arduino-zero': {
    id: 'arduino-zero',
    vcc: 3.3,
    vref: 3.3,
    adcBits: 10,
    vih: 1.82,
    vil: 0.99,
    digitalPins: range(2, 19),
    analogPins: analogMap(6, 14),
    pwmPins: [3, 4, 5, 6, 8, 9, 10, 11, 12, 13],
  },
};

export const PROBE_BOARD_IDS = Object.keys(PROBE_BOARDS) as ProbeBoardId[];

export function getProbeBoard(id: string): ProbeProfile | undefined {
  return Object.hasOwn(PROBE_BOARDS, id) ? PROBE_BOARDS[id as ProbeBoardId] : undefined;
}
