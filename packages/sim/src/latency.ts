/**
 * Latency profiles for the simulated WiFi link and boot, modelled on published ESP32 figures
 * (shared/reference/hardware-facts.md, "WiFi latency"):
 * - `zero`: no delay at all; replies leave synchronously, boot is immediate (still in order). For unit tests.
 * - `wifi`: power save off: round trip mostly 7-13 ms, p99 about 47 ms.
 * - `wifi-powersave`: default modem sleep: 40-250 ms with worse tails (p99 about 400 ms).
 */
import { createRng, type Rng } from './rng';

export type LatencyProfileName = 'zero' | 'wifi' | 'wifi-powersave';
export const LATENCY_PROFILES: readonly LatencyProfileName[] = ['zero', 'wifi', 'wifi-powersave'];
/** The facts file: a simulator's default models a real board; tests ask for `zero`. */
export const DEFAULT_LATENCY_PROFILE: LatencyProfileName = 'wifi';

export interface LatencyProfile {
  name: LatencyProfileName;
  /** Body of the round-trip distribution, ms (uniform). */
  rttMin: number;
  rttMax: number;
  /** Probability that a round trip falls in the tail instead of the body. */
  tailProbability: number;
  /** Tail range, ms (uniform): shapes p99. */
  tailMin: number;
  tailMax: number;
  /** Power-on to app start (ROM + bootloader + setup), ms. */
  bootMs: number;
  /** Station association + DHCP, ms. */
  wifiJoinMs: number;
}

export const LATENCY_PROFILE_TABLE: Readonly<Record<LatencyProfileName, LatencyProfile>> = {
  zero: {
    name: 'zero',
    rttMin: 0,
    rttMax: 0,
    tailProbability: 0,
    tailMin: 0,
    tailMax: 0,
    bootMs: 0,
    wifiJoinMs: 0,
  },
  // 96 % in 7-13 ms, 4 % in 13-60 ms: p50 ~10 ms, p99 ~47 ms.
  wifi: {
    name: 'wifi',
    rttMin: 7,
    rttMax: 13,
    tailProbability: 0.04,
    tailMin: 13,
    tailMax: 60,
    bootMs: 350,
    wifiJoinMs: 1500,
  },
  // Modem sleep: the AP buffers frames until the next DTIM beacon.
  'wifi-powersave': {
    name: 'wifi-powersave',
    rttMin: 40,
    rttMax: 250,
    tailProbability: 0.05,
    tailMin: 250,
    tailMax: 600,
    bootMs: 350,
    wifiJoinMs: 2500,
  },
};

export function isLatencyProfileName(name: string): name is LatencyProfileName {
  return (LATENCY_PROFILES as readonly string[]).includes(name);
}

export interface LatencyModel {
  readonly profile: LatencyProfile;
  /** One sampled round trip, ms (integer, 0 for `zero`). */
  rtt(): number;
  /** One sampled one-way delay (half a round trip), ms. */
  oneWay(): number;
}

export function createLatencyModel(
  name: LatencyProfileName = 'zero',
  rngOrSeed?: Rng | number,
): LatencyModel {
  const profile = LATENCY_PROFILE_TABLE[name];
  const rng = typeof rngOrSeed === 'object' ? rngOrSeed : createRng(rngOrSeed);
  const rtt = (): number => {
    if (profile.rttMax === 0 && profile.tailMax === 0) return 0;
    const tail = rng.next() < profile.tailProbability;
    const [lo, hi] = tail ? [profile.tailMin, profile.tailMax] : [profile.rttMin, profile.rttMax];
    return Math.round(lo + rng.next() * (hi - lo));
  };
  return { profile, rtt, oneWay: () => Math.round(rtt() / 2) };
}
