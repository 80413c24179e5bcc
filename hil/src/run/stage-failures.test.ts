import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import { acquireLock } from '../lock/lock';
import { runHil } from './run-hil';

// Every case stops before the suites, so runHil runs in-process here (no nested vitest).

const HW = {
  name: 'desk',
  kind: 'hardware',
  dut: { port: '/dev/esphil-test-no-such-port' },
  probe: { port: '/dev/esphil-test-no-such-probe', board: 'arduino-zero' },
  wiring: { wires: [{ kind: 'digital', name: 'status LED', dutPin: 2, probePin: 2 }] },
  device: { version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'status', pin: 2 }] },
};

async function tmp() {
  return mkdtemp(join(tmpdir(), 'hil-stage-'));
}

describe('bench/infrastructure failures end with exit 2 and a message that says what to fix', () => {
  it('malformed bench file', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'b.json'), JSON.stringify({ dut: { baud: 'fast' }, probe: {} }));
    const { exitCode, report } = await runHil({ benchFile: join(dir, 'b.json'), out: dir });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('bench_invalid');
    expect(report.benchError?.message).toMatch(/dut\.port: missing serial port -> write a path/);
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['bench', 'failed'],
      ['report', 'ok'],
    ]);
  });

  it('missing serial port', async () => {
    const dir = await tmp();
    const { bench } = resolveBench(HW);
    const { exitCode, report } = await runHil({ bench: bench!, out: null, lockDir: dir });
    expect(exitCode).toBe(2);
    expect(report.benchError).toMatchObject({ code: 'port_missing' });
    expect(report.benchError?.message).toContain('/dev/esphil-test-no-such-port');
    expect(report.benchError?.hint).toMatch(/hil ports/);
  });

  it('lock held by another run', async () => {
    const dir = await tmp();
    const other = await acquireLock('/dev/esphil-test-no-such-port', {
      dir,
      owner: 'hil nightly (other run)',
    });
    try {
      const { bench } = resolveBench(HW);
      const { exitCode, report } = await runHil({ bench: bench!, out: null, lockDir: dir });
      expect(exitCode).toBe(2);
      expect(report.benchError?.code).toBe('lock_held');
      expect(report.benchError?.message).toContain(`pid ${process.pid}`);
      expect(report.benchError?.message).toContain('hil nightly (other run)');
    } finally {
      other.release();
    }
  });

  it('a board that never boots (boot loop)', async () => {
    const { exitCode, report } = await runHil({ out: null, simFaults: ['reboot-loop'] });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('never_ready');
    expect(report.benchError?.message).toMatch(/boot loop/);
    expect(report.tests).toEqual([]);
  });

  it('a DUT that never prints its ready line (no reset, ready already gone by)', async () => {
    const { bench } = resolveBench({
      kind: 'sim',
      dut: { port: '/sim/dut', reset: 'none' },
      probe: { port: '/sim/probe', board: 'arduino-zero' },
      timeouts: { readyMs: 300 },
    });
    const { exitCode, report } = await runHil({ bench: bench!, out: null });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('never_ready');
    expect(report.benchError?.message).toMatch(/never printed its ready line/);
    expect(report.benchError?.hint).toMatch(/baud rate|reset/);
  });

  it('an unknown suite name lists the known ones', async () => {
    const { exitCode, report } = await runHil({ out: null, suites: ['nope'] });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('suite_not_found');
    expect(report.benchError?.hint).toMatch(/boot.*led/);
  });
});
