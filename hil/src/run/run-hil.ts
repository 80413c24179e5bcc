import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createVitest, type Vitest } from 'vitest/node';
import { loadBench } from '../bench/load';
import type { LatencyProfile, ResolvedBench } from '../bench/types';
import { EXIT_BENCH_ERROR, EXIT_DUT_FAILED, EXIT_OK, errorMessage, HilError, toHilError } from '../errors';
import { errorContext } from '../report/attach';
import {
  type HilReport,
  latencyStats,
  type SerialLogEntry,
  summarize,
  type WiringFinding,
} from '../report/model';
import { findCrashes } from '../report/panic';
import { collectRunMeta } from '../report/run-meta';
import { type WrittenReports, writeReports } from '../report/write';
import { openSession } from '../session/open';
import { setSession } from '../session/registry';
import type { HilSession } from '../session/types';
import { abortExitCode, abortReasonText, isAbortError } from '../stages/abort';
import { Pipeline } from '../stages/pipeline';
import { catchProcessEscapes, runningTest, takeOrphans } from '../vitest/escapes';
import { guardProcessGlobals, inProcessPool } from '../vitest/in-process-pool';
import { HilReporter } from '../vitest/reporter';
import { builtinSuiteDir, defaultBenchFile, packageRoot, reportDir, suiteAliases } from './paths';
import { type ProgressSink, silentProgress } from './progress';
import { type Shard, shardSuites } from './shard';
import { discoverSuites, selectSuites } from './suites';

export { DEFAULT_OUT_DIR } from './paths';
/** Per-test budget inside suites; bench timeouts bound the waits inside. */
export const DEFAULT_TEST_TIMEOUT_MS = 15_000;

export interface RunHilOptions {
  command?: 'run' | 'doctor';
  /** Bench file; default the simulated bench (benches/sim.json). */
  benchFile?: string;
  /** An already resolved bench (tests); wins over benchFile. */
  bench?: ResolvedBench;
  suites?: string[];
  /** Extra directories with *.hil.ts suite files. */
  suiteDirs?: string[];
  /** Leave out the built-in suites (only --suite-dir ones). */
  noBuiltin?: boolean;
  /** Report directory; null = write nothing. */
  out?: string | null;
  retries?: number;
  shard?: Shard | null;
  simFaults?: string[];
  latency?: LatencyProfile;
  progress?: ProgressSink;
  lockDir?: string;
  testTimeoutMs?: number;
  /** The command line as given, recorded in report.json's run metadata (the CLI passes its argv). */
  args?: readonly string[];
  /**
   * Aborting stops the run within about 2 s: the running stage is cut (a running test fails, the rest are skipped),
   * every cleanup runs (ports, locks, the flash command's and socat's process groups), the reports are written with
   * run status "aborted", and the exit code is 128 + the signal number when the reason is a signal name
   * (`controller.abort('SIGTERM')` -> 143), else 130. The CLI aborts it on SIGINT / SIGTERM.
   */
  signal?: AbortSignal;
}

export interface RunHilResult {
  exitCode: number;
  report: HilReport;
  files: WrittenReports | null;
}

/** Name of the file written and removed in --out before the first stage, to prove the reports can be written. */
export const OUT_PROBE_FILE = '.hil-write-check';

/** Creates the report directory and writes + removes a probe file in it; an unwritable --out is exit 2 at once. */
export async function checkOutWritable(dir: string): Promise<void> {
  const probe = join(dir, `${OUT_PROBE_FILE}-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await unlink(probe);
  } catch (e) {
    throw new HilError(
      'out_unwritable',
      `cannot write the reports to ${dir}: ${errorMessage(e)}`,
      'pass --out a directory you can create and write (nothing ran: the bench was not touched)',
    );
  }
}

/** The whole run: bench -> stages -> suites -> reports. Never throws for bench/DUT problems: they are exit codes. */
export async function runHil(opts: RunHilOptions = {}): Promise<RunHilResult> {
  const command = opts.command ?? 'run';
  const progress = opts.progress ?? silentProgress;
  const pipeline = new Pipeline({ progress, ...(opts.signal ? { signal: opts.signal } : {}) });
  const started = Date.now();
  const t0 = performance.now();
  let bench: ResolvedBench | null = opts.bench ?? null;
  let session: HilSession | null = null;
  let serialLog: readonly SerialLogEntry[] = [];
  let findings: WiringFinding[] = [];
  let fw: HilReport['fw'] = null;
  let benchError: HilReport['benchError'] = null;
  let aborted = false;
  const reporter = new HilReporter(() => session, progress);
  const benchFileForMeta = opts.bench?.file ?? resolve(opts.benchFile ?? defaultBenchFile());
  const meta = collectRunMeta({
    benchFile: benchFileForMeta,
    args: opts.args ?? [],
    simFaults: opts.simFaults ?? [],
    startedAt: started,
  });
  const outDir = opts.out === null ? null : reportDir(opts.out, command);
  let writable = true;
  // Uncaught exceptions / unhandled rejections anywhere in the run are verdicts, never silently passed (or a crash).
  // Installed right before the try whose finally removes them, so nothing in between can leave them installed.
  const stopCatching = catchProcessEscapes();
  takeOrphans();

  try {
    // Checked before the first stage: results the run cannot write are lost results.
    if (outDir !== null)
      await checkOutWritable(outDir).catch((e: unknown) => {
        writable = false;
        throw e;
      });
    const b: ResolvedBench =
      bench ??
      (await pipeline.stage(
        'bench',
        () => loadBench(opts.benchFile ?? defaultBenchFile()),
        (x) => `${x.name} (${x.kind})`,
      ));
    bench = b;
    if (b.kind === 'hardware' && (opts.simFaults?.length || opts.latency)) {
      throw new HilError(
        'bad_args',
        '--sim-fault and --latency only apply to simulated benches',
        `drop them, or run a sim bench (kind "${b.kind}" given)`,
      );
    }
    const dirs = [
      ...(opts.noBuiltin ? [] : [builtinSuiteDir()]),
      ...(opts.suiteDirs ?? []).map((d) => resolve(d)),
    ];
    const selected = command === 'run' ? selectSuites(await discoverSuites(dirs), opts.suites ?? []) : [];
    const files = shardSuites(
      selected.map((s) => s.file),
      opts.shard ?? null,
    );
    // Keep discovery order (numeric prefixes) within the shard.
    const ordered = selected.map((s) => s.file).filter((f) => files.includes(f));
    // Checked before any port is opened: a shard or filter that selects nothing is a CI wiring mistake (exit 2).
    if (command === 'run' && ordered.length === 0)
      throw new HilError(
        'no_suites',
        opts.shard
          ? `shard ${opts.shard.index}/${opts.shard.count} selects none of the ${selected.length} suites`
          : 'no suite selected',
        'use fewer shards than suites, or check --suite and --suite-dir',
      );

    const opened = await openSession({
      bench: b,
      pipeline,
      wiringCheck: command === 'doctor' ? 'full' : 'quick',
      ...(opts.simFaults ? { simFaults: opts.simFaults } : {}),
      ...(opts.latency ? { latency: opts.latency } : {}),
      ...(opts.lockDir ? { lockDir: opts.lockDir } : {}),
    });
    session = opened.session;
    findings = opened.findings;
    fw = opened.fw;
    serialLog = session.serialLog.entries;

    if (command === 'run') {
      const live = session;
      await pipeline.stage(
        'suites',
        async () => {
          await runSuites(ordered, live, reporter, opts, pipeline.signal);
          // Whatever escaped between tests (hooks, timers outliving their test) fails the run as a DUT failure.
          reporter.addEscaped(takeOrphans());
        },
        () => `${reporter.tests.length} tests`,
      );
    }
    aborted = pipeline.aborted;
  } catch (e) {
    const attached = errorContext(e);
    serialLog = attached.serialLog ?? serialLog;
    findings = attached.findings ?? findings;
    if (pipeline.aborted || isAbortError(e)) aborted = true;
    else {
      const err = toHilError(e);
      benchError = { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    }
    // Printed once by the caller (the CLI: on stderr); the failed stage line already shows where it stopped.
  } finally {
    setSession(null);
    if (session) await session.close();
    else await pipeline.close();
    stopCatching();
  }
  // An error that escaped the runner's own stages (outside the suites) is a runner/bench error: exit 2.
  const stray = takeOrphans()[0];
  if (stray && !benchError && !aborted) {
    const msg = stray.error instanceof Error ? stray.error.message : String(stray.error);
    benchError = {
      code: 'internal',
      message: `${stray.source} outside the suites: ${msg}`,
      hint: 'this is a runner or bench bug: please report it with report.json and serial.log',
    };
  }

  const summary = summarize(reporter.tests);
  const doctorSuspects = command === 'doctor' && findings.some((f) => f.status !== 'ok');
  const exitCode = aborted
    ? abortExitCode(pipeline.signal.reason)
    : benchError || doctorSuspects
      ? EXIT_BENCH_ERROR
      : summary.failed > 0
        ? EXIT_DUT_FAILED
        : EXIT_OK;
  const status: HilReport['run']['status'] = aborted
    ? 'aborted'
    : benchError || doctorSuspects
      ? 'bench_error'
      : exitCode === EXIT_OK
        ? 'passed'
        : 'failed';
  const report: HilReport = {
    tool: 'esphil-hil',
    version: 1,
    run: { ...(await meta), status, endedAt: new Date().toISOString() },
    bench: {
      name: bench?.name ?? opts.benchFile ?? 'sim',
      kind: bench?.kind ?? 'unknown',
      file: bench?.file ?? null,
    },
    command,
    startedAt: new Date(started).toISOString(),
    durationMs: performance.now() - t0,
    exitCode,
    shard: opts.shard ?? null,
    benchError,
    ...(aborted
      ? { aborted: { reason: abortReasonText(pipeline.signal.reason), stage: pipeline.abortedStage } }
      : {}),
    stages: pipeline.records,
    tests: reporter.tests,
    summary,
    pwmSweep: reporter.sweep,
    latency: reporter.latencyMs.length > 0 ? latencyStats(reporter.latencyMs) : null,
    wiring: findings,
    crashes: findCrashes(serialLog),
    fw,
  };
  let files: WrittenReports | null = null;
  if (outDir !== null && writable) {
    const t = performance.now();
    files = await writeReports(outDir, report, serialLog);
    report.stages.push({
      name: 'report',
      status: 'ok',
      startedAt: Date.now(),
      durationMs: performance.now() - t,
      detail: outDir,
    });
    progress.stage('report', 'ok', outDir, performance.now() - t);
  }
  progress.done();
  return { exitCode, report, files };
}

class KeepOrderSequencer {
  async shard<T>(files: T[]): Promise<T[]> {
    return files;
  }
  async sort<T>(files: T[]): Promise<T[]> {
    return files;
  }
}

async function runSuites(
  files: string[],
  session: HilSession,
  reporter: HilReporter,
  opts: RunHilOptions,
  signal: AbortSignal,
): Promise<void> {
  setSession(session);
  const restore = guardProcessGlobals();
  // vitest's CLI logger handles an unhandled rejection by printing it and calling process.exit(). Here the runner's
  // own handler (vitest/escapes) fails the test it came from instead, so that listener must go — before the suites
  // run, and again on every way out (createVitest may have added it before throwing). Its SIGINT / SIGTERM handlers
  // call process.exit() too (inside a test that throws "process.exit unexpectedly called", so one Ctrl+C was lost):
  // signals belong to the CLI, which aborts the run through `signal`.
  const owned: string[] = ['unhandledRejection', 'SIGINT', 'SIGTERM'];
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(owned.map((ev) => [ev, new Set(emitter.listeners(ev))]));
  const dropVitestListeners = () => {
    for (const ev of owned)
      for (const l of emitter.listeners(ev))
        if (!before.get(ev)?.has(l)) emitter.off(ev, l as (...args: unknown[]) => void);
  };
  let vitest: Vitest | undefined;
  // The test running when an abort arrives (vitest reports a test cancelled mid-run as skipped).
  let cut: string | null = null;
  try {
    const creating = createVitest(
      'test',
      {
        root: packageRoot(),
        config: false,
        watch: false,
        include: ['**/*.hil.{ts,mts,js,mjs}'],
        pool: inProcessPool,
        isolate: false,
        fileParallelism: false,
        maxWorkers: 1,
        reporters: [reporter],
        retry: opts.retries ?? 0,
        testTimeout: opts.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS,
        hookTimeout: opts.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS,
        disableConsoleIntercept: true,
        passWithNoTests: true,
        // Suites run in discovery order (numeric prefixes; the reset suite last), not vitest's duration-cached order.
        sequence: { shuffle: false, concurrent: false, sequencer: KeepOrderSequencer },
        // Fake timers in a suite must not freeze the bench's real I/O timers by default.
        fakeTimers: { toFake: [] },
      },
      { resolve: { alias: suiteAliases() }, logLevel: 'silent' },
    );
    // createVitest registers those listeners synchronously (its Logger's constructor), before its first await: drop
    // them now, so a signal while it sets up is the CLI's too.
    dropVitestListeners();
    vitest = await creating;
    dropVitestListeners();
    if (signal.aborted) return;
    // An abort cancels the run: vitest rejects the running test (its context signal aborts) and skips the rest.
    const v = vitest;
    // 'keyboard-input' is the reason vitest's own Ctrl+C handling cancels with.
    const cancel = () => {
      cut = runningTest();
      void v.cancelCurrentRun('keyboard-input').catch(() => {});
    };
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const project = vitest.getRootProject();
      const specs = files.map((f) => project.createSpecification(f));
      await vitest.runTestSpecifications(specs, true);
    } finally {
      signal.removeEventListener('abort', cancel);
    }
    if (signal.aborted) failCutTest(reporter, cut, signal.reason);
  } finally {
    await vitest?.close();
    dropVitestListeners();
    restore();
  }
}

/** The test an abort cut did not pass and was not skipped: it failed, saying why. */
function failCutTest(reporter: HilReporter, cut: string | null, reason: unknown): void {
  const rec =
    cut === null ? undefined : reporter.tests.findLast((t) => t.name === cut && t.state === 'skipped');
  if (!rec || rec.state === 'failed') return;
  rec.state = 'failed';
  rec.error = {
    message: `run aborted (${abortReasonText(reason)}) while this test ran: it did not finish`,
  };
}
