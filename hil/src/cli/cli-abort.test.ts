import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HilReport } from '../report/model';
import { spawnCli } from '../testing/cli-process';
import { useTempDirs } from '../testing/temp-dirs';
import { main } from './main';

const tempDir = useTempDirs();
const TUTORIAL_BENCH = new URL('../../benches/sim-tutorial.json', import.meta.url).pathname;
const HANGING_ADAPTER = new URL('../testing/hanging-close-adapter.mjs', import.meta.url).pathname;
/** What ../testing/hanging-close-adapter.mjs prints when its close() is called. */
const HANGING_LINE = 'hil abort fixture: io.close() called, hanging';

function collect() {
  let text = '';
  return {
    stream: {
      write(s: string) {
        text += s;
        return true;
      },
    },
    get text() {
      return text;
    },
  };
}

describe('hil run --out', () => {
  it('an unwritable --out (a path under a regular file) is exit 2 before any stage, with a summary line', async () => {
    const dir = await tempDir('hil-out-file-');
    const file = join(dir, 'not-a-dir');
    await writeFile(file, 'x');
    const stdout = collect();
    const stderr = collect();
    const code = await main(['run', '--out', join(file, 'results')], {
      stdout: stdout.stream,
      stderr: stderr.stream,
    });
    expect(code).toBe(2);
    expect(stdout.text).not.toMatch(/stage /);
    expect(stdout.text).toMatch(/^hil run on .*: 0 passed, 0 failed, .* -> exit 2$/m);
    expect(stderr.text).toMatch(
      /bench error \(out_unwritable\): cannot write the reports to .*not-a-dir\/results/,
    );
    expect(stderr.text).toMatch(/what to do: pass --out a directory/);
  });
});

/** Runs `hil run` on the abort fixture suite, sends SIGINT once stdout shows `line`, returns what happened. */
async function interruptAt(line: string, out: string) {
  const suites = new URL('../testing/suites-abort', import.meta.url).pathname;
  const child = spawnCli(['run', '--suite-dir', suites, '--suite', 'wait', '--out', out]);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes(line)) resolve();
      });
      void exited.then(() => reject(new Error(`the CLI exited early:\n${stdout}\n${stderr}`)));
    });
    child.kill('SIGINT');
    const [code, signal] = await exited;
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as HilReport;
    return { code, signal, stdout, stderr, report };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe('the hil CLI as a process', () => {
  it('SIGINT while a test runs: the test is cut, the rest skipped, exit 130, report.json status aborted', async () => {
    // The fixture test prints this line once it runs (progress lines are plain: stdout is not a TTY).
    const r = await interruptAt('hil abort fixture: test running', await tempDir('hil-cli-abort-'));
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
    expect(r.stdout).toMatch(/stage suites: aborted/);
    expect(r.stdout).toMatch(/-> exit 130/);
    expect(r.stderr).toMatch(/hil: SIGINT: stopping/);
    expect(r.stderr).toMatch(/aborted by SIGINT during stage suites/);
    expect(r.report.run.status).toBe('aborted');
    expect(r.report.exitCode).toBe(130);
    expect(r.report.tests.map((t) => [t.name, t.state])).toEqual([
      ['waits until the run is aborted', 'failed'],
      ['never runs: the abort skips it', 'skipped'],
    ]);
  });

  it('SIGINT as the suites stage starts (vitest still setting up): exit 130 and a report, not vitest exiting', async () => {
    const r = await interruptAt('stage suites: start', await tempDir('hil-cli-abort-'));
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 130, signal: null });
    expect(r.report.run.status).toBe('aborted');
    expect(r.report.aborted).toEqual({ reason: 'SIGINT', stage: 'suites' });
    expect(r.report.stages.find((s) => s.name === 'suites')?.status).toBe('aborted');
    expect(r.report.tests.filter((t) => t.state === 'passed')).toEqual([]);
  });
});

describe('a second signal', () => {
  it('while the first abort cleanup hangs: exits at once with the signal exit code, no cleanup waited for, no reports', async () => {
    // A tutorial bench whose adapter's io.close() never settles (../testing/hanging-close-adapter.mjs): the first
    // SIGINT cuts the running test, then the cleanup hangs in that close() (bounded by the pipeline's abort budget,
    // after which the reports would be written). The second SIGINT comes while it hangs.
    const dir = await tempDir('hil-cli-second-');
    const bench = JSON.parse(await readFile(TUTORIAL_BENCH, 'utf8'));
    bench.name = 'sim-hanging-close';
    bench.dut = { port: '/sim/dut', reset: 'sim', adapter: HANGING_ADAPTER };
    bench.sim = { firmware: 'tutorial' };
    await writeFile(join(dir, 'bench.json'), JSON.stringify(bench));
    const out = join(dir, 'out');
    const suites = new URL('../testing/suites-abort-io', import.meta.url).pathname;
    const child = spawnCli([
      'run',
      '--bench',
      join(dir, 'bench.json'),
      '--suite-dir',
      suites,
      '--suite',
      'wait-any',
      '--out',
      out,
    ]);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      const seen = (line: string) =>
        new Promise<void>((resolve, reject) => {
          const check = () => {
            if (stdout.includes(line)) resolve();
          };
          child.stdout?.on('data', check);
          check();
          void exited.then(() => reject(new Error(`the CLI exited before "${line}":\n${stdout}\n${stderr}`)));
        });
      child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      await seen('hil abort fixture: io test running');
      child.kill('SIGINT');
      await seen(HANGING_LINE);
      child.kill('SIGINT');
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 130, signal: null });
      expect(stderr).toMatch(/hil: SIGINT: stopping/);
      expect(stderr).toMatch(/hil: SIGINT again: exiting now/);
      // At once: before the cleanup gave up on the hanging close() and the reports were written (without the exit
      // it waited out the abort cleanup budget, then printed the verdict and wrote report.json).
      expect(stdout).not.toMatch(/-> exit 130/);
      expect(existsSync(join(out, 'report.json'))).toBe(false);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
