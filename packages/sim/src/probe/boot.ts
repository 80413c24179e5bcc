/**
 * What StandardFirmata does between reset and its announcement: Firmata.begin() calls blinkVersion(), which
 * strobes VERSION_BLINK_PIN `major` times, waits 250 ms, strobes it `minor` times and waits 125 ms before it
 * sends REPORT_VERSION (firmata/arduino 2.5.9 Firmata.cpp blinkVersion/strobeBlinkPin: each strobe is 210 ms
 * low then 40 ms high). Measured on the real 2.5.9 image: pulses at 210, 460, 960, 1210, 1460, 1710 and
 * 1960 ms, announcement at 2,125 ms (shared/reference/firmata-facts.md).
 */
export const BLINK_OFF_MS = 210;
export const BLINK_ON_MS = 40;
export const BLINK_GAP_MS = 250;
export const BLINK_TAIL_MS = 125;

export interface BootSchedule {
  /** Start of each HIGH pulse on the blink pin, ms after setup() starts. */
  pulses: number[];
  pulseMs: number;
  /** When the version is announced (setup() done), ms after setup() starts. */
  announceMs: number;
}

export function firmataBootSchedule(version: { major: number; minor: number }): BootSchedule {
  const pulses: number[] = [];
  let t = 0;
  const strobe = (count: number): void => {
    for (let i = 0; i < count; i++) {
      t += BLINK_OFF_MS;
      pulses.push(t);
      t += BLINK_ON_MS;
    }
  };
  strobe(version.major);
  t += BLINK_GAP_MS;
  strobe(version.minor);
  t += BLINK_TAIL_MS;
  return { pulses, pulseMs: BLINK_ON_MS, announceMs: t };
}
