/** The `hil history` command's terminal side: warnings for skipped inputs, one summary line, the exit code. */
import { EXIT_BENCH_ERROR, EXIT_OK } from '../errors';
import type { ProgressStream } from '../run/progress';
import { parseHistoryArgs, writeHistory } from './command';
import { HistoryError } from './errors';

export async function historyCli(
  argv: readonly string[],
  io: { stdout: ProgressStream; stderr: ProgressStream },
): Promise<number> {
  try {
    const r = await writeHistory(parseHistoryArgs(argv));
    for (const w of r.warnings)
      io.stderr.write(`hil history: skipped ${w.source}: ${w.message} (${w.code})\n`);
    const red = r.history.groups.reduce((n, g) => n + g.tests.filter((t) => t.status === 'red').length, 0);
    io.stdout.write(
      `hil history: ${r.added} runs added, ${r.history.runs.length} in the window ${r.history.window.from ?? '-'}..${r.history.window.to ?? '-'}, ${red} tests red, ${r.warnings.length} inputs skipped -> ${r.files.html} ${r.files.json}\n`,
    );
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof HistoryError)) throw e;
    io.stderr.write(`hil history: ${e.message} (${e.code})\n${e.hint ? `${e.hint}\n` : ''}`);
    return EXIT_BENCH_ERROR;
  }
}
