// Tests that need socat (pseudo-terminals): the pty bench variant with the native serialport binding.
import { defineTaskConfig } from '../vitest.shared.ts';

export default defineTaskConfig(['src/**/*.pty.test.ts'], { testTimeout: 120_000, hookTimeout: 120_000 });
