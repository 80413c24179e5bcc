/**
 * Runs the HIL suite through the `hil` CLI in a child process. The CLI, not the Node API: @esphil/hil's
 * index builds its vitest fixtures at import time (hilTest = test.extend), so importing it outside a vitest
 * run throws "Vitest failed to find the current suite" (reported to the hil owner).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HilRun, HilRunner } from '../scenarios/hil';

export function cliRunner(cpuProbePath: string): HilRunner {
  const hilIndex = fileURLToPath(import.meta.resolve('@esphil/hil'));
  const cli = join(dirname(hilIndex), 'cli.js');
  return async (latency): Promise<HilRun> => {
    const out = await mkdtemp(join(tmpdir(), 'esphil-bench-hil-'));
    const cpuFile = join(out, 'cpu.json');
    try {
      const t0 = performance.now();
      let firstOutputMs: number | null = null;
      let doneMs: number | null = null;
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ['--import', cpuProbePath, cli, '--latency', latency, '--out', out],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
            env: { ...process.env, ESPHIL_BENCH_CPU_FILE: cpuFile },
          },
        );
        let err = '';
        let buf = '';
        child.stdout.on('data', (d: Buffer) => {
          const at = performance.now() - t0;
          if (firstOutputMs === null) firstOutputMs = at;
          buf = (buf + d.toString()).slice(-4000);
          // The summary line: the run is over, what follows until exit is shutdown.
          if (doneMs === null && /hil run on .* -> exit/.test(buf)) doneMs = at;
        });
        child.stderr.on('data', (d: Buffer) => {
          err = (err + d.toString()).slice(-2000);
        });
        child.on('error', reject);
        child.on('exit', (c) => (c === 0 ? resolve(c) : reject(new Error(`hil exited with ${c}: ${err}`))));
      });
      const wallMs = performance.now() - t0;
      const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as HilRun['report'];
      const cpu = JSON.parse(await readFile(cpuFile, 'utf8')) as {
        cpuMs: number;
        atFirstOutput: number | null;
        atSummary: number | null;
      };
      return {
        exitCode: code ?? -1,
        report,
        processWallMs: wallMs,
        cpuMs: cpu.cpuMs,
        runCpuMs:
          cpu.atSummary !== null && cpu.atFirstOutput !== null ? cpu.atSummary - cpu.atFirstOutput : null,
        startupMs: firstOutputMs,
        shutdownMs: doneMs === null ? null : wallMs - doneMs,
      };
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  };
}
