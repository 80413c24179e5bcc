import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HilReport } from '../report/model';
import { spawnCli } from '../testing/cli-process';
import { useTempDirs } from '../testing/temp-dirs';
import { main } from './main';

const tempDir = useTempDirs();

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

describe('the hil CLI as a process', () => {
  it('SIGINT during the suites: the running test is cut, exit 130, report.json written with status aborted', async () => {
    const out = await tempDir('hil-cli-abort-');
    const suites = new URL('../testing/suites-abort', import.meta.url).pathname;
    const child = spawnCli(['run', '--suite-dir', suites, '--suite', 'wait', '--out', out]);
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      // The fixture test prints this line once it runs (progress lines: plain, stdout is not a TTY).
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (stdout.includes('hil abort fixture: test running')) resolve();
        });
        void exited.then(() => reject(new Error(`the CLI exited early:\n${stdout}\n${stderr}`)));
      });
      expect(stdout).toMatch(/stage suites: start/);
      child.kill('SIGINT');
      const [code, signal] = await exited;
      expect({ code, signal }).toEqual({ code: 130, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    expect(stdout).toMatch(/stage suites: aborted/);
    expect(stdout).toMatch(/-> exit 130/);
    expect(stderr).toMatch(/hil: SIGINT: stopping/);
    expect(stderr).toMatch(/aborted by SIGINT during stage suites/);
    const { readFile } = await import('node:fs/promises');
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as HilReport;
    expect(report.run.status).toBe('aborted');
    expect(report.exitCode).toBe(130);
    expect(report.tests.map((t) => [t.name, t.state])).toEqual([
      ['waits until the run is aborted', 'failed'],
      ['never runs: the abort skips it', 'skipped'],
    ]);
  });
});
