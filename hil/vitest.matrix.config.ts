// The slow self-tests: the fault-detection matrix (every sim fault, ~1 min), the wifi-latency soak (20 clean
// runs) and the firmware-native bench.
import { defineTaskConfig } from '../vitest.shared.ts';

export default defineTaskConfig(['src/**/*.matrix.test.ts', 'src/**/*.soak.test.ts'], {
  testTimeout: 120_000,
  hookTimeout: 180_000,
});
