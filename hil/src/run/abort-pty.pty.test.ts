import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBench } from '../bench/load';
import { silentProgress } from './progress';
import { runHil } from './run-hil';

beforeAll(() => {
  // Fail loudly: this task exists to exercise real pseudo-terminals.
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('socat is not installed: the pty bench needs it (apt-get install socat)');
  }
});

/** socat processes whose parent is this process (zombies nobody reaped count as gone). */
function socatChildren(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const m = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat);
      if (m && m[1] === 'socat' && m[2] !== 'Z' && Number(m[3]) === process.pid) out.push(Number(pid));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('an abort on the pty bench', () => {
  it('kills both socat bridges (their process groups) and reports aborted', async () => {
    // Stops before the suites: runHil in this (forked) test process, which may load the native addon.
    const bench = await loadBench(fileURLToPath(new URL('../../benches/sim-pty.json', import.meta.url)));
    const ac = new AbortController();
    let bridges: number[] = [];
    const { exitCode, report } = await runHil({
      bench,
      out: null,
      signal: ac.signal,
      progress: {
        ...silentProgress,
        stage(name, status) {
          if (name === 'ready' && status === 'start') {
            bridges = socatChildren();
            ac.abort('SIGTERM');
          }
        },
      },
    });
    expect(bridges).toHaveLength(2);
    expect(exitCode).toBe(143);
    expect(report.run.status).toBe('aborted');
    expect(report.aborted).toEqual({ reason: 'SIGTERM', stage: 'ready' });
    expect(socatChildren()).toEqual([]);
  });
});
