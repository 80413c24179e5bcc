import { guessBoard, listPorts } from '@esphil/serial';
import { EXIT_BENCH_ERROR, EXIT_OK, errorMessage, isHilError } from '../errors';
import { historyCli } from '../history/cli';
import { crashFindings } from '../report/panic';
import { createProgress, type ProgressStream } from '../run/progress';
import { runHil } from '../run/run-hil';
import { abortExitCode } from '../stages/abort';
import { parseCliArgs, USAGE } from './args';

export interface CliIO {
  stdout: ProgressStream;
  stderr: ProgressStream;
}

/** The `hil` command; returns the exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === 'history') return historyCli(argv.slice(1), io);
  let args: ReturnType<typeof parseCliArgs>;
  try {
    args = parseCliArgs(argv);
  } catch (e) {
    io.stderr.write(`hil: ${errorMessage(e)}\n${isHilError(e) && e.hint ? `${e.hint}\n` : ''}`);
    return EXIT_BENCH_ERROR;
  }
  if (args.command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (args.command === 'ports') return ports(io, args.json);
  const progress = createProgress(io.stdout);
  const stop = stopOnSignals(io);
  const result = await runHil({
    command: args.command,
    ...(args.bench ? { benchFile: args.bench } : {}),
    suites: args.suites,
    suiteDirs: args.suiteDirs,
    ...(args.out ? { out: args.out } : {}),
    retries: args.retries,
    shard: args.shard,
    simFaults: args.simFaults,
    ...(args.latency ? { latency: args.latency } : {}),
    progress,
    args: argv,
    signal: stop.signal,
  }).finally(() => stop.dispose());
  const r = result.report;
  const s = r.summary;
  if (args.command === 'doctor') {
    for (const f of r.wiring)
      io.stdout.write(`  ${f.status === 'ok' ? 'ok     ' : f.status.padEnd(7)} ${f.wire}: ${f.detail}\n`);
  }
  io.stdout.write(
    `hil ${r.command} on ${r.bench.name}: ${s.passed} passed, ${s.failed} failed, ${s.flaky} flaky, ${s.skipped} skipped in ${(r.durationMs / 1000).toFixed(1)} s -> exit ${result.exitCode}\n`,
  );
  if (result.files)
    io.stdout.write(`reports: ${result.files.html} ${result.files.junit} ${result.files.json}\n`);
  if (r.aborted)
    io.stderr.write(
      `hil: aborted by ${r.aborted.reason}${r.aborted.stage ? ` during stage ${r.aborted.stage}` : ''}: what ran is in the reports (status "aborted")\n`,
    );
  if (r.benchError) {
    io.stderr.write(
      `hil: bench error (${r.benchError.code}): ${r.benchError.message}\n${r.benchError.hint ? `  what to do: ${r.benchError.hint}\n` : ''}`,
    );
    // The first crash the serial log shows is usually the why: name it and where serial.log has it.
    const crash = crashFindings(r.crashes)[0];
    if (crash)
      io.stderr.write(
        `  serial log: ${crash.title} (serial.log:${crash.firstLine + 1}-${crash.lastLine + 1})\n`,
      );
  }
  return result.exitCode;
}

/** Signals that stop a run: the first aborts it (cleanup, partial reports), a second one exits at once. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Turns SIGINT / SIGTERM into an abort of the run while it lasts. The reason is the signal's name, so runHil exits
 * 130 / 143. A second signal means "now": exit at once with that code, skipping the cleanup still in progress.
 */
function stopOnSignals(io: CliIO): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      io.stderr.write(`hil: ${sig} again: exiting now\n`);
      process.exit(abortExitCode(sig));
    }
    io.stderr.write(`hil: ${sig}: stopping (cleanup, then partial reports); ${sig} again exits at once\n`);
    controller.abort(sig);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
    },
  };
}

async function ports(io: CliIO, json: boolean): Promise<number> {
  try {
    const list = await listPorts();
    if (json) {
      io.stdout.write(
        `${JSON.stringify(
          list.map((p) => ({ ...p, guess: guessBoard(p) })),
          null,
          2,
        )}\n`,
      );
      return EXIT_OK;
    }
    if (list.length === 0) io.stdout.write('no serial ports found (pseudo-terminals are never listed)\n');
    for (const p of list) {
      const g = guessBoard(p);
      io.stdout.write(
        `${p.path.padEnd(22)} ${p.vendorId ?? '----'}:${p.productId ?? '----'} ${(p.serialNumber ?? '').padEnd(16)} ${g ? `${g.description} [${g.chip}, ${g.family}${g.autoReset ? ', auto-reset' : ''}]` : 'unknown'}\n`,
      );
    }
    return EXIT_OK;
  } catch (e) {
    io.stderr.write(`hil ports: ${errorMessage(e)}\n`);
    return EXIT_BENCH_ERROR;
  }
}
