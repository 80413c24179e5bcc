import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cli/main';
import { parseHistoryArgs, writeHistory } from './command';
import { expandInputs } from './inputs';
import type { GroupView, HistoryFile } from './model';
import { type SyntheticRun, type SyntheticTest, writeSyntheticRun } from './synthetic';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hil-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NIGHTS = ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'];
const T = (suite: string, name: string, state: SyntheticTest['state'], durationMs = 100): SyntheticTest => ({
  suite,
  name,
  state,
  durationMs,
});

/**
 * Six nights of one bench. led: always green. pwm sweep: green, green, green, bench error, red, red (broken by
 * c4). button: red on night 2 only (red then green). wifi: flaky on nights 1 and 3.
 */
function night(i: number, over: Partial<SyntheticRun> = {}): SyntheticRun {
  const n = NIGHTS[i]!;
  const bench = { bench: 'devkit', night: n, commit: `c${i}`, bootMs: 100 + i, readyMs: 500 + 10 * i };
  if (i === 3) return { ...bench, tests: [], benchError: 'port_missing', ...over };
  return {
    ...bench,
    tests: [
      T('led', 'on', 'passed', 50 + i),
      T('pwm', 'sweep', i >= 4 ? 'failed' : 'passed'),
      T('button', 'press', i === 2 ? 'failed' : 'passed'),
      T('wifi', 'reconnect', i === 1 || i === 3 ? 'flaky' : 'passed'),
    ],
    latencyMs: [i + 1, i + 2, i + 3, 10 * (i + 1)],
    pwmError: 4 * i,
    ...over,
  };
}

async function writeNights(indexes: readonly number[], root = join(dir, 'runs')): Promise<string> {
  for (const i of indexes) await writeSyntheticRun(root, NIGHTS[i]!, night(i));
  return root;
}

const group = (h: HistoryFile, key: string): GroupView => {
  const g = h.groups.find((x) => x.key === key);
  if (!g) throw new Error(`no group ${key} in ${h.groups.map((x) => x.key).join(', ')}`);
  return g;
};
const row = (g: GroupView, id: string) => g.tests.find((t) => t.id === id)!;
const build = (inputs: string[], nights = 30) =>
  writeHistory({ inputs, out: join(dir, 'site'), nights }, new Date('2026-11-26T06:00:00Z'));

describe('hil history: the grid', () => {
  it('has one cell per test and night: passed, failed, flaky, bench error', async () => {
    const { history, warnings } = await build([await writeNights([0, 1, 2, 3, 4, 5])]);
    expect(warnings).toEqual([]);
    const g = group(history, 'devkit');
    expect(g.nights).toEqual(NIGHTS);
    expect(g.tests.map((t) => t.id)).toEqual([
      'button › press',
      'led › on',
      'pwm › sweep',
      'wifi › reconnect',
    ]);
    expect(row(g, 'led › on').cells).toBe('PPPBPP');
    expect(row(g, 'pwm › sweep').cells).toBe('PPPBFF');
    expect(row(g, 'button › press').cells).toBe('PPFBPP');
    expect(row(g, 'wifi › reconnect').cells).toBe('PKPBPP');
  });

  it('shows a night without a run as a gap, and skipped and aborted tests as such', async () => {
    const root = join(dir, 'runs');
    await writeSyntheticRun(root, 'a', night(0));
    await writeSyntheticRun(
      root,
      'b',
      night(2, { tests: [T('led', 'on', 'skipped'), T('pwm', 'sweep', 'aborted')] }),
    );
    await writeSyntheticRun(root, 'c', night(4, { status: 'aborted', tests: [T('led', 'on', 'passed')] }));
    const g = group((await build([root])).history, 'devkit');
    expect(g.nights).toEqual(NIGHTS.slice(0, 5));
    expect(g.runIds[1]).toBeNull();
    expect(row(g, 'led › on').cells).toBe('P-S-P');
    // Night 4 was aborted before pwm ran: aborted, not "no run".
    expect(row(g, 'pwm › sweep').cells).toBe('P-A-A');
    expect(row(g, 'button › press').cells).toBe('P---A');
  });

  it('keeps benches and shards apart', async () => {
    const root = join(dir, 'runs');
    await writeSyntheticRun(root, 's1', night(0, { shard: { index: 1, count: 2 } }));
    await writeSyntheticRun(
      root,
      's2',
      night(0, { shard: { index: 2, count: 2 }, tests: [T('x', 'y', 'failed')] }),
    );
    await writeSyntheticRun(root, 'other', night(0, { bench: 'wrover' }));
    const h = (await build([root])).history;
    expect(h.groups.map((g) => g.key)).toEqual(['devkit shard 1/2', 'devkit shard 2/2', 'wrover']);
    expect(group(h, 'devkit shard 2/2').tests.map((t) => [t.id, t.cells])).toEqual([['x › y', 'F']]);
  });

  it('links each night to its report.html relative to the page', async () => {
    const { history } = await build([await writeNights([0, 1])]);
    expect(history.runs.map((r) => r.report)).toEqual([
      '../runs/2026-11-20/report.html',
      '../runs/2026-11-21/report.html',
    ]);
    const html = await readFile(join(dir, 'site', 'index.html'), 'utf8');
    expect(html).toContain('<a href="../runs/2026-11-21/report.html">');
  });
});

describe('hil history: per test', () => {
  it('names the first red night after the last green one and the commit range between them', async () => {
    const g = group((await build([await writeNights([0, 1, 2, 3, 4, 5])])).history, 'devkit');
    const pwm = row(g, 'pwm › sweep');
    expect(pwm.status).toBe('red');
    // The bench-error night (3) says nothing about the code: the last green is night 2, the first red night 4.
    expect(pwm.lastGreen).toEqual({ night: '2026-11-22', runId: 'devkit-2026-11-22', commit: 'c2' });
    expect(pwm.firstRed).toEqual({ night: '2026-11-24', runId: 'devkit-2026-11-24', commit: 'c4' });
    expect(pwm.commitRange).toBe('c2..c4');
  });

  it('a test that was red and is green again is green, with no suspect range', async () => {
    const g = group((await build([await writeNights([0, 1, 2, 3, 4, 5])])).history, 'devkit');
    expect(row(g, 'button › press')).toMatchObject({ status: 'green', firstRed: null, commitRange: null });
  });

  it('red through the whole window: no last green, no range', async () => {
    const g = group((await build([await writeNights([4, 5])])).history, 'devkit');
    expect(row(g, 'pwm › sweep')).toMatchObject({ status: 'red', lastGreen: null, commitRange: null });
    expect(row(g, 'pwm › sweep').firstRed?.night).toBe('2026-11-24');
  });

  it('flake rate = flaky nights / nights the test ran', async () => {
    const g = group((await build([await writeNights([0, 1, 2, 3, 4, 5])])).history, 'devkit');
    const wifi = row(g, 'wifi › reconnect');
    // Night 3 was a bench error: the test did not run, so 1 flaky night in 5.
    expect([wifi.flakyNights, wifi.ranNights, wifi.flakeRate]).toEqual([1, 5, 0.2]);
    expect(row(g, 'led › on').flakeRate).toBe(0);
    expect(wifi.status).toBe('green');
  });
});

describe('hil history: trends', () => {
  it('per night: latency p50/p99, PWM worst error vs tolerance, boot and ready from the stages, test duration', async () => {
    const g = group((await build([await writeNights([0, 1, 2, 3, 4, 5])])).history, 'devkit');
    // latencyMs [i+1, i+2, i+3, 10(i+1)]: nearest-rank p50 = i+2, p99 = 10(i+1); null on the bench-error night.
    expect(g.trends.latencyP50Ms).toEqual([2, 3, 4, null, 6, 7]);
    expect(g.trends.latencyP99Ms).toEqual([10, 20, 30, null, 50, 60]);
    // The sweep's worst point is the 50 % one, error 4i, tolerance 32; no sweep on the bench-error night.
    expect(g.trends.pwmWorstError).toEqual([0, 4, 8, null, 16, 20]);
    expect(g.trends.pwmTolerance).toEqual([32, 32, 32, null, 32, 32]);
    expect(g.trends.bootMs).toEqual([100, 101, 102, 103, 104, 105]);
    // The bench-error night's ready stage failed: no ready time.
    expect(g.trends.readyMs).toEqual([500, 510, 520, null, 540, 550]);
    expect(row(g, 'led › on').durationMs).toEqual([50, 51, 52, null, 54, 55]);
  });
});

describe('hil history: inputs', () => {
  it('a malformed or foreign report.json is named and skipped; the rest is built', async () => {
    const root = await writeNights([0, 1]);
    await writeFile(join(root, '2026-11-21', 'report.json'), '{"tool": "esphil-hil", "version": 1, "bench":');
    await writeSyntheticRun(root, 'foreign', night(2));
    await writeFile(join(root, 'foreign', 'report.json'), JSON.stringify({ tool: 'pytest', tests: [] }));
    await writeSyntheticRun(root, 'badstate', night(4));
    const bad = JSON.parse(await readFile(join(root, 'badstate', 'report.json'), 'utf8'));
    bad.tests[0].state = 'exploded';
    await writeFile(join(root, 'badstate', 'report.json'), JSON.stringify(bad));
    const { history, warnings } = await build([root]);
    expect(history.runs.map((r) => r.night)).toEqual(['2026-11-20']);
    expect(warnings.map((w) => [w.source.slice(root.length + 1), w.code])).toEqual([
      [join('2026-11-21', 'report.json'), 'report_not_json'],
      [join('badstate', 'report.json'), 'report_invalid'],
      [join('foreign', 'report.json'), 'report_foreign'],
    ]);
    expect(warnings[1]!.message).toContain('tests[0].state');
  });

  it('deduplicates a run read twice (same run id) ', async () => {
    const root = await writeNights([0, 1]);
    await writeSyntheticRun(join(dir, 'copy'), 'again', night(1));
    const { history } = await build([root, join(dir, 'copy')]);
    expect(history.runs.map((r) => r.id)).toEqual(['devkit-2026-11-20', 'devkit-2026-11-21']);
  });

  it('a report without run metadata gets its id from bench and start time, and no commit', async () => {
    const root = join(dir, 'runs');
    await writeSyntheticRun(root, 'old', night(0, { legacy: true }));
    const { history } = await build([root]);
    expect(history.runs[0]).toMatchObject({
      id: 'devkit@2026-11-20T02:17:00.000Z',
      commit: null,
      status: 'passed',
    });
  });

  it('takes globs and folders; a missing input is a clear error', async () => {
    await writeNights([0, 1, 2]);
    const { history } = await build([join(dir, 'runs', '2026-11-2[01]')]);
    expect(history.runs.map((r) => r.night)).toEqual(['2026-11-20', '2026-11-21']);
    const all = await build([join(dir, '**', 'report.json')]);
    expect(all.history.runs).toHaveLength(3);
    await expect(build([join(dir, 'nope')])).rejects.toMatchObject({ code: 'input_not_found' });
  });

  it('more report.json files than the limit, by folder or by glob, is a clear error', async () => {
    await writeNights([0, 1, 2]);
    const limits = { maxFiles: 2, maxDepth: 8 };
    await expect(expandInputs([dir], limits)).rejects.toMatchObject({ code: 'too_many_inputs' });
    await expect(expandInputs([join(dir, '**', 'report.json')], limits)).rejects.toMatchObject({
      code: 'too_many_inputs',
    });
    expect(await expandInputs([dir], { ...limits, maxFiles: 3 })).toHaveLength(3);
  });
});

describe('hil history: from night to night', () => {
  it('restores the previous history.json, adds the new night, keeps the window', async () => {
    const first = await writeNights([0, 1, 2], join(dir, 'n1'));
    await build([first], 5);
    const second = await writeNights([3, 4, 5], join(dir, 'n2'));
    await rm(first, { recursive: true });
    const { history, added } = await build([second], 5);
    expect(added).toBe(3);
    // 5 nights ending 2026-11-25: 2026-11-20 falls out; the pruned folders' runs keep their cells, unlinked.
    expect(history.window).toEqual({ nights: 5, from: '2026-11-21', to: '2026-11-25' });
    const g = group(history, 'devkit');
    expect(g.nights).toEqual(NIGHTS.slice(1));
    expect(row(g, 'pwm › sweep').cells).toBe('PPBFF');
    expect(history.runs.map((r) => r.report !== null)).toEqual([false, false, true, true, true]);
    expect(row(g, 'pwm › sweep').commitRange).toBe('c2..c4');
  });

  it('a broken history.json is a warning and the history starts over', async () => {
    const site = join(dir, 'site');
    await build([await writeNights([0])]);
    await writeFile(join(site, 'history.json'), '{"format":"something-else"}');
    const { history, warnings } = await build([await writeNights([1], join(dir, 'more'))]);
    expect(warnings.map((w) => w.code)).toEqual(['history_invalid']);
    expect(history.runs).toHaveLength(1);
  });
});

describe('hil history: the command', () => {
  it('`hil history` writes index.html and history.json and prints the skipped inputs', async () => {
    const root = await writeNights([0, 1, 4]);
    await writeFile(join(root, 'junk.json'), 'x');
    await writeFile(join(dir, 'report.json'), 'not json');
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
    };
    const code = await main(
      ['history', root, join(dir, 'report.json'), '--out', join(dir, 'site'), '--nights', '10'],
      io,
    );
    expect(code).toBe(0);
    expect(out.join('')).toMatch(
      /3 runs added, 3 in the window 2026-11-15\.\.2026-11-24, 1 tests red, 1 inputs skipped/,
    );
    expect(err.join('')).toContain(`skipped ${join(dir, 'report.json')}: not JSON`);
    const saved = JSON.parse(await readFile(join(dir, 'site', 'history.json'), 'utf8')) as HistoryFile;
    expect([saved.format, saved.version, saved.window.nights]).toEqual(['esphil-hil-history', 1, 10]);
    const html = await readFile(join(dir, 'site', 'index.html'), 'utf8');
    expect(html).toContain('<code>git log c1..c4</code>');
  });

  it('bad arguments exit 2 with the usage', async () => {
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) } };
    expect(await main(['history', dir], io)).toBe(2);
    expect(err.join('')).toContain('--out DIR is required (bad_args)');
    expect(() => parseHistoryArgs([dir, '--out', 'x', '--nights', '0'])).toThrow(/--nights 0/);
    expect(() => parseHistoryArgs([dir, '--out', 'x', '--bogus'])).toThrow(/bogus/);
  });
});
