import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';

let runner: IsolatedRunner;
beforeAll(async () => {
  // Fail loudly: this task exists to exercise real pseudo-terminals.
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('socat is not installed: the pty bench needs it (apt-get install socat)');
  }
  runner = await startIsolatedRunner({ process: true });
});
afterAll(async () => {
  await runner?.close();
});

describe('the pty bench: the sim through socat pseudo-terminals, native serialport binding, stock johnny-five', () => {
  it('runs the full built-in suite and passes', async () => {
    const benchFile = fileURLToPath(new URL('../../benches/sim-pty.json', import.meta.url));
    const { exitCode, report } = await runner.run({ benchFile, out: null });
    const bad = report.tests
      .filter((t) => t.state !== 'passed')
      .map((t) => `${t.suite} › ${t.name}: ${t.error?.message}`);
    expect(report.benchError).toBeNull();
    expect(bad).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.bench.kind).toBe('sim-pty');
    expect(report.stages.find((s) => s.name === 'probe')?.detail).toMatch(/\/dev\/pts\//);
    // Flashed through the pty with the native binding (at the ROM's baud: socat carries no baud change), then the
    // ready stage saw the generated build boot.
    expect(report.stages.find((s) => s.name === 'flash')?.detail).toMatch(
      /^4 files, .* on ESP32 at 115200 baud$/,
    );
    expect(report.fw?.version).toBe('0.1.0-hil');
    expect(report.tests.length).toBeGreaterThanOrEqual(14);
  });
});
