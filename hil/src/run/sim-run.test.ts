import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';

let runner: IsolatedRunner;
beforeAll(async () => {
  runner = await startIsolatedRunner();
});
afterAll(async () => {
  await runner.close();
});

describe('runHil on the simulated bench (zero latency)', () => {
  it('runs every built-in suite, passes, and writes the three reports and the serial log', async () => {
    const out = await mkdtemp(join(tmpdir(), 'hil-out-'));
    const { exitCode, report } = await runner.run({ out });
    const failed = report.tests
      .filter((t) => t.state !== 'passed')
      .map((t) => `${t.suite} › ${t.name}: ${t.error?.message}`);
    expect(report.benchError).toBeNull();
    expect(failed).toEqual([]);
    expect(exitCode).toBe(0);
    expect(new Set(report.tests.map((t) => t.suite))).toEqual(
      new Set(['boot', 'led', 'pwm', 'button', 'sensor', 'broadcast', 'frames', 'latency', 'reset']),
    );
    expect(report.pwmSweep.map((p) => p.duty)).toEqual([0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]);
    expect(report.latency?.samplesMs.length).toBe(30);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain(`tests="${report.tests.length}" failures="0"`);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')).exitCode).toBe(0);
    expect(await readFile(join(out, 'serial.log'), 'utf8')).toContain('@esphil {"t":"ready"');
  });
});
