import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import { canonicalPort } from '../lock/canonical';
import { lockFileFor } from '../lock/lock';
import type { HilReport } from '../report/model';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';
import { useTempDirs } from '../testing/temp-dirs';
import { type ProgressSink, silentProgress } from './progress';
import { runHil } from './run-hil';

const tempDir = useTempDirs();

/** Polls `check` until it is true (a condition, not a guessed delay); fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A progress sink that aborts `controller` (with `reason`) when stage `name` starts. */
function abortAt(name: string, controller: AbortController, reason: string): ProgressSink {
  return {
    ...silentProgress,
    stage(n, status) {
      if (n === name && status === 'start') controller.abort(reason);
    },
  };
}

/** A process is gone when signalling it fails, or it is a zombie nobody reaped (the container's init may not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Listening servers and sockets of this process (the sim's WebSocket server, clients). */
function netHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
}

async function readJson(dir: string): Promise<HilReport> {
  return JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as HilReport;
}

describe('an abort before the suites (runHil in-process)', () => {
  it('during ready: exit 130, stage ready aborted, partial report written, the sim closed', async () => {
    const out = await tempDir('hil-abort-ready-');
    // reset "none" on the sim: the ready line already went by, so the ready stage waits until aborted.
    const { bench } = resolveBench({
      kind: 'sim',
      dut: { port: '/sim/dut', reset: 'none' },
      probe: { port: '/sim/probe', board: 'arduino-zero' },
      timeouts: { readyMs: 120_000 },
    });
    const before = netHandles();
    const ac = new AbortController();
    const { exitCode, report, files } = await runHil({
      bench: bench!,
      out,
      signal: ac.signal,
      progress: abortAt('ready', ac, 'SIGINT'),
    });
    expect(exitCode).toBe(130);
    expect(report.run.status).toBe('aborted');
    expect(report.benchError).toBeNull();
    expect(report.aborted).toEqual({ reason: 'SIGINT', stage: 'ready' });
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['lock', 'skipped'],
      ['flash', 'skipped'],
      ['reset', 'skipped'],
      ['ready', 'aborted'],
      ['report', 'ok'],
    ]);
    expect(files).not.toBeNull();
    const json = await readJson(out);
    expect(json.run.status).toBe('aborted');
    expect(json.exitCode).toBe(130);
    expect(netHandles()).toBe(before);
  });

  it('during flash: exit 143 for SIGTERM, the flasher and its grandchild killed, lock files released', async () => {
    const out = await tempDir('hil-abort-flash-');
    const lockDir = await tempDir('hil-abort-locks-');
    const work = await tempDir('hil-abort-flasher-');
    const pidsFile = join(work, 'pids');
    // A flash tool that never ends and starts a helper of its own (in its process group, as esptool's would be).
    const flasher = [
      "const { spawn } = require('node:child_process');",
      "const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
      "require('node:fs').writeFileSync(process.argv[1], process.pid + ' ' + c.pid);",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    await writeFile(join(work, 'fw.bin'), '');
    const { bench } = resolveBench(
      {
        name: 'desk',
        kind: 'hardware',
        dut: { port: '/dev/esphil-test-no-such-port' },
        probe: { port: '/dev/esphil-test-no-such-probe', board: 'arduino-zero' },
        wiring: { wires: [{ kind: 'digital', name: 'status LED', dutPin: 2, probePin: 2 }] },
        device: { version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'status', pin: 2 }] },
        firmware: { command: [process.execPath, '-e', flasher, pidsFile] },
      },
      { file: join(work, 'bench.json'), dir: work },
    );
    const ac = new AbortController();
    const running = runHil({ bench: bench!, out, lockDir, signal: ac.signal });
    await until(
      () => existsSync(pidsFile) && readFileSync(pidsFile, 'utf8').includes(' '),
      'the flasher to start',
    );
    const pids = readFileSync(pidsFile, 'utf8').split(' ').map(Number);
    expect(pids.every(alive)).toBe(true);
    expect((await readdir(lockDir)).filter((f) => f.endsWith('.lock'))).toHaveLength(2);
    ac.abort('SIGTERM');
    const { exitCode, report } = await running;
    expect(exitCode).toBe(143);
    expect(report.run.status).toBe('aborted');
    expect(report.aborted).toEqual({ reason: 'SIGTERM', stage: 'flash' });
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['lock', 'ok'],
      ['flash', 'aborted'],
      ['report', 'ok'],
    ]);
    expect(pids.filter(alive)).toEqual([]);
    expect((await readdir(lockDir)).filter((f) => f.endsWith('.lock'))).toEqual([]);
    expect((await readJson(out)).run.status).toBe('aborted');
  });
});

describe('an abort while waiting for a port lock', () => {
  it("stops the lock wait at once: exit 130, stage lock aborted, the other holder's lock untouched", async () => {
    const out = await tempDir('hil-abort-lock-');
    const lockDir = await tempDir('hil-abort-lockdir-');
    const work = await tempDir('hil-abort-lockbench-');
    const port = '/dev/esphil-test-no-such-port';
    // Another run on another host sharing the lock directory: never stale, so the runner waits (timeouts.lockMs).
    const held = lockFileFor(canonicalPort(port), lockDir);
    const holder = {
      pid: 1,
      host: 'other-bench-host',
      started: new Date().toISOString(),
      owner: 'hil nightly',
    };
    await writeFile(held, JSON.stringify({ ...holder, token: 'theirs' }));
    const { bench } = resolveBench(
      {
        name: 'desk',
        kind: 'hardware',
        dut: { port },
        probe: { port: '/dev/esphil-test-no-such-probe', board: 'arduino-zero' },
        wiring: { wires: [{ kind: 'digital', name: 'status LED', dutPin: 2, probePin: 2 }] },
        device: { version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'status', pin: 2 }] },
        timeouts: { lockMs: 600_000 },
      },
      { file: join(work, 'bench.json'), dir: work },
    );
    const ac = new AbortController();
    const lines: string[] = [];
    const progress: ProgressSink = {
      ...silentProgress,
      info(line) {
        lines.push(line);
        // Aborted once the runner says whom it waits for: the wait itself is what is cut.
        if (line.includes('waiting for')) ac.abort('SIGINT');
      },
    };
    const { exitCode, report } = await runHil({ bench: bench!, out, lockDir, signal: ac.signal, progress });
    expect(lines.join('\n')).toMatch(/waiting for .*other-bench-host/);
    expect(exitCode).toBe(130);
    expect(report.run.status).toBe('aborted');
    expect(report.aborted).toEqual({ reason: 'SIGINT', stage: 'lock' });
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['lock', 'aborted'],
      ['report', 'ok'],
    ]);
    // Only the other run's lock is left, as it was.
    expect(await readdir(lockDir)).toEqual([held.split('/').pop()]);
    expect(JSON.parse(await readFile(held, 'utf8')).token).toBe('theirs');
  });
});

describe('an abort during the suites (isolated runner)', () => {
  const dir = new URL('../testing/suites-abort', import.meta.url).pathname;
  let runner: IsolatedRunner;
  let marker: string;
  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), 'hil-abort-marker-'));
    marker = join(work, 'running');
    // The worker thread takes its environment from here when it starts.
    process.env.ESPHIL_ABORT_MARKER = marker;
    runner = await startIsolatedRunner();
  });
  afterAll(async () => {
    await runner?.close();
    delete process.env.ESPHIL_ABORT_MARKER;
    if (marker) await rm(join(marker, '..'), { recursive: true, force: true });
  });

  it('cuts the running test, skips the rest, writes the report: exit 130, status aborted', async () => {
    const out = await tempDir('hil-abort-suites-');
    const ac = new AbortController();
    const running = runner.run({ out, suiteDirs: [dir], noBuiltin: true }, { signal: ac.signal });
    await until(() => existsSync(marker), 'the waiting test to start', 60_000);
    ac.abort('SIGINT');
    const { exitCode, report } = await running;
    expect(exitCode).toBe(130);
    expect(report.run.status).toBe('aborted');
    expect(report.aborted).toEqual({ reason: 'SIGINT', stage: 'suites' });
    expect(report.stages.find((s) => s.name === 'suites')?.status).toBe('aborted');
    expect(report.tests.map((t) => [t.name, t.state])).toEqual([
      ['waits until the run is aborted', 'failed'],
      ['never runs: the abort skips it', 'skipped'],
    ]);
    expect(report.tests[0]?.error?.message).toMatch(/aborted/);
    const json = await readJson(out);
    expect(json.run.status).toBe('aborted');
    expect(json.tests).toHaveLength(2);
  });
});
