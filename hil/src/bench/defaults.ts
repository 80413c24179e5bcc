import type { TimeoutsSection, TolerancesSection } from './types';

export const DEFAULT_DUT_BAUD = 115200;
export const DEFAULT_PROBE_BAUD = 57600;
export const DEFAULT_TIMEOUTS: Required<TimeoutsSection> = {
  lockMs: 0,
  flashMs: 180_000,
  readyMs: 15_000,
  bootSettleMs: 500,
  provisionMs: 30_000,
  connectMs: 5_000,
  requestMs: 3_000,
  // The real StandardFirmata announces ~2.1 s after reset (plus up to 1 s of optiboot): keep a wide margin.
  probeMs: 8_000,
  observeMs: 2_000,
};
export const DEFAULT_TOLERANCES: Required<TolerancesSection> = {
  adcCounts: 0,
  latencyP99Ms: 500,
};
/** Largest bench file we read: anything bigger is not a bench description. */
export const MAX_BENCH_FILE_BYTES = 256 * 1024;

/** Longest delay a Node timer honours: setTimeout fires at once (with a warning) for anything larger. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
