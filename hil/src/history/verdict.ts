/** One test's story over the window, from its row of cells: flake rate, red or green, and since when. */
import type { NightRef, RunEntry, TestRow } from './model';

const RAN = new Set(['P', 'F', 'K']);
/** Flaky = failed then passed on retry: the code works, so it counts as green for "since when is it red". */
const GREEN = new Set(['P', 'K']);

type Verdict = Pick<
  TestRow,
  'flakeRate' | 'ranNights' | 'flakyNights' | 'status' | 'firstRed' | 'lastGreen' | 'commitRange'
>;

const ref = (run: RunEntry): NightRef => ({ night: run.night, runId: run.id, commit: run.commit });

/** `cells[i]` is the test's cell on the night of `shown[i]`. */
export function testVerdict(cells: string, shown: readonly (RunEntry | null)[]): Verdict {
  let ranNights = 0;
  let flakyNights = 0;
  for (const c of cells) {
    if (RAN.has(c)) ranNights++;
    if (c === 'K') flakyNights++;
  }
  const flakeRate = ranNights > 0 ? flakyNights / ranNights : null;
  let latest = -1;
  for (let i = cells.length - 1; i >= 0 && latest < 0; i--) if (RAN.has(cells[i]!)) latest = i;
  const base = { flakeRate, ranNights, flakyNights };
  if (latest < 0) return { ...base, status: 'unknown', firstRed: null, lastGreen: null, commitRange: null };
  if (GREEN.has(cells[latest]!)) {
    return { ...base, status: 'green', firstRed: null, lastGreen: null, commitRange: null };
  }
  // Walk back over the red streak; nights that did not run the test (skipped, aborted, bench error, no run)
  // say nothing about the code, so they neither end the streak nor count as green.
  let firstRed = latest;
  let lastGreen = -1;
  for (let i = latest - 1; i >= 0; i--) {
    const c = cells[i]!;
    if (c === 'F') firstRed = i;
    else if (GREEN.has(c)) {
      lastGreen = i;
      break;
    }
  }
  const red = ref(shown[firstRed]!);
  const green = lastGreen >= 0 ? ref(shown[lastGreen]!) : null;
  return {
    ...base,
    status: 'red',
    firstRed: red,
    lastGreen: green,
    commitRange: green?.commit && red.commit ? `${green.commit}..${red.commit}` : null,
  };
}
