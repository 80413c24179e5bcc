import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import { openSession } from '../session/open';
import { Pipeline } from '../stages/pipeline';
import { useTempDirs } from '../testing/temp-dirs';
import { runHil } from './run-hil';

// Flash -> boot -> identity through the whole runner on the simulated board (runHil in-process: every case ends
// before the suites, or runs none).

const tempDir = useTempDirs();

function simBench(firmware: unknown, faults: string[] = []) {
  const { bench, issues } = resolveBench({
    kind: 'sim',
    dut: { port: '/sim/dut' },
    probe: { port: '/sim/probe', board: 'arduino-zero' },
    firmware,
    sim: { latency: 'zero', faults },
    timeouts: { readyMs: 10_000 },
  });
  if (!bench) throw new Error(JSON.stringify(issues));
  return bench;
}

describe('the booted build is the one flashed or expected', () => {
  it('a stale identity (firmware.expect, no flashing) is exit 2 naming both builds', async () => {
    const out = await tempDir('hil-identity-stale-');
    const expected = 'ab'.repeat(32);
    const { exitCode, report } = await runHil({ bench: simBench({ expect: { elfSha256: expected } }), out });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('identity_mismatch');
    // Expected (from the bench) and booted (the sim's factory app, its descriptor's ELF SHA-256).
    expect(report.benchError?.message).toMatch(
      new RegExp(
        `expected elf ${expected} \\(firmware\\.expect\\), but the DUT booted fw 0\\.1\\.0 \\(esphil-firmware 0\\.1\\.0, elf [0-9a-f]{64}\\)`,
      ),
    );
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['lock', 'skipped'],
      ['flash', 'skipped'],
      ['reset', 'ok'],
      ['ready', 'failed'],
      ['report', 'ok'],
    ]);
  });

  it('the image just flashed is the one that boots: the flash record and the ready check agree', async () => {
    // Every stage up to the suites (openSession: no nested vitest).
    const pipeline = new Pipeline();
    try {
      const { fw } = await openSession({
        bench: simBench({ generated: { version: 'v7.0.0-id' }, expect: { fw: 'v7.0.0-id' } }),
        pipeline,
        wiringCheck: 'quick',
      });
      expect(fw?.version).toBe('v7.0.0-id');
      expect(pipeline.records.find((s) => s.name === 'flash')?.files).toHaveLength(4);
      expect(pipeline.records.find((s) => s.name === 'ready')?.detail).toMatch(/^fw v7\.0\.0-id on /);
    } finally {
      await pipeline.close();
    }
  });

  it('a flashed build that does not match firmware.expect is exit 2', async () => {
    const { exitCode, report } = await runHil({
      bench: simBench({ generated: { version: 'v7.0.1' }, expect: { fw: 'v7.0.0' } }),
      out: null,
    });
    expect(exitCode).toBe(2);
    expect(report.benchError?.message).toMatch(
      /expected fw v7\.0\.0 \(firmware\.expect\), but the DUT booted fw v7\.0\.1/,
    );
  });

  it("a corrupt app in flash is exit 2 with the bootloader's own message, at once, and in the serial log", async () => {
    const out = await tempDir('hil-identity-corrupt-');
    const t0 = Date.now();
    const { exitCode, report, files } = await runHil({
      bench: simBench({ generated: true }, ['app-corrupt']),
      out,
    });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('boot_failed');
    expect(report.benchError?.message).toMatch(
      /the bootloader refused what is in flash:\n {2}E \(\d+\) esp_image: Checksum failed\. Calculated 0x[0-9a-f]+ read 0x[0-9a-f]+\n(.|\n)* {2}E \(\d+\) boot: No bootable app partitions in the partition table/,
    );
    // Not the 10 s ready timeout: the fatal line ends the wait.
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(report.stages.find((s) => s.name === 'flash')?.status).toBe('ok');
    const serial = await readFile(files!.serialLog, 'utf8');
    expect(serial).toContain('esp_image: Checksum failed');
  });
});
