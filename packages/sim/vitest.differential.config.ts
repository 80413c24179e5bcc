// The long differential run of the two device bodies: `pnpm differential` (sized by DIFF_* variables).
import { defineTaskConfig } from '../../vitest.shared.ts';

export default defineTaskConfig(['src/**/*.differential.test.ts'], {
  testTimeout: 3_600_000,
  hookTimeout: 600_000,
});
