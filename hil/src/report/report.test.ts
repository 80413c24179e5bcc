import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { renderHtml } from './html';
import { mergeJunit, renderJunit } from './junit';
import { type HilReport, latencyStats, summarize, type TestRecord } from './model';
import { writeReports } from './write';

const tempDir = useTempDirs();

const T0 = Date.parse('2026-11-25T22:00:00Z');
const test = (over: Partial<TestRecord>): TestRecord => ({
  suite: 'led',
  name: 'led on',
  fullName: 'led on',
  state: 'passed',
  durationMs: 12,
  retries: 0,
  startedAt: T0 + 1000,
  measurements: [],
  ...over,
});

function report(tests: TestRecord[], over: Partial<HilReport> = {}): HilReport {
  return {
    tool: 'esphil-hil',
    version: 1,
    run: {
      id: '5b0c1f3e-0000-4000-8000-000000000001',
      status: 'failed',
      commit: '0123456789abcdef0123456789abcdef01234567',
      dirty: true,
      benchFile: '/benches/sim.json',
      benchSha256: 'ab'.repeat(32),
      args: ['--sim-fault', 'led-stuck:low'],
      simFaults: ['led-stuck:low'],
      host: 'bench-host',
      versions: { node: 'v20.20.2', pnpm: '12.4.2', esphil: '0.1.0' },
      startedAt: new Date(T0).toISOString(),
      endedAt: new Date(T0 + 5000).toISOString(),
    },
    bench: { name: 'sim', kind: 'sim', file: null },
    command: 'run',
    startedAt: new Date(T0).toISOString(),
    durationMs: 5000,
    exitCode: 1,
    shard: null,
    benchError: null,
    stages: [{ name: 'ready', status: 'ok', startedAt: T0, durationMs: 80, detail: 'ws://x' }],
    tests,
    summary: summarize(tests),
    pwmSweep: [
      { duty: 0, expected: 0, measured: 1, tolerance: 32 },
      { duty: 0.5, expected: 512, measured: 600, tolerance: 32 },
    ],
    latency: latencyStats([3, 1, 2, 10, 4]),
    wiring: [{ wire: 'status LED', status: 'silent', detail: 'never moved' }],
    fw: { version: '0.1.0', board: 'esp32-doit-devkit-v1', device: 'esphil-a1' },
    ...over,
  };
}

const FAILED = test({
  name: 'sweep <50%> & "more"',
  suite: 'pwm',
  state: 'failed',
  error: { message: 'expected 600 to be close to 512', stack: 'AssertionError: expected 600\n at x' },
  hint: 'run `hil doctor`',
  measurements: [
    { name: 'fan @ 50 %', expected: 512, measured: 600, tolerance: 32, unit: 'counts', ok: false },
  ],
  serialExcerpt: [{ at: T0 + 900, text: 'I (123) app: pwm <set>' }],
  transcript: [{ at: T0 + 950, dir: 'out', conn: 'dut', text: '{"id":1,"op":"pwm.set"}' }],
});

describe('report model', () => {
  it('percentiles and summary', () => {
    expect(latencyStats([5, 1, 4, 2, 3])).toMatchObject({
      p50: 3,
      p95: 5,
      p99: 5,
      samplesMs: [1, 2, 3, 4, 5],
    });
    expect(
      summarize([test({}), FAILED, test({ state: 'flaky', retries: 1 }), test({ state: 'skipped' })]),
    ).toEqual({
      total: 4,
      passed: 1,
      failed: 1,
      flaky: 1,
      skipped: 1,
    });
  });
});

describe('junit', () => {
  it('one testsuite per suite, failures with message and hint, escaped, flaky marked not hidden', () => {
    const xml = renderJunit(report([test({}), FAILED, test({ name: 'retry', state: 'flaky', retries: 2 })]));
    expect(xml).toMatch(/^<\?xml version="1.0"/);
    expect(xml).toContain('<testsuites name="esphil-hil sim" tests="3" failures="1" errors="0" skipped="0"');
    expect(xml).toContain('<testsuite name="hil.sim.led" tests="2" failures="0"');
    expect(xml).toContain('name="sweep &lt;50%&gt; &amp; &quot;more&quot;"');
    expect(xml).toContain('<failure message="expected 600 to be close to 512" type="AssertionError">');
    expect(xml).toContain('hint: run `hil doctor`');
    expect(xml).toContain('<property name="flaky" value="true"/>');
    expect(xml).toContain('<property name="retries" value="2"/>');
    expect(xml).toContain('<property name="measured.fan @ 50 %" value="600 (expected 512 ±32 counts)"/>');
    // Run metadata as suite properties, on every suite (a merged shard file keeps each run's).
    expect(
      xml.match(/<property name="git.commit" value="0123456789abcdef0123456789abcdef01234567"\/>/g),
    ).toHaveLength(2);
    expect(xml).toContain('<property name="git.dirty" value="true"/>');
    expect(xml).toContain('<property name="args" value="--sim-fault led-stuck:low"/>');
  });

  it('a bench error is an <error> testcase', () => {
    const xml = renderJunit(
      report([], { benchError: { code: 'lock_held', message: 'port busy', hint: 'wait' }, exitCode: 2 }),
    );
    expect(xml).toContain('errors="1"');
    expect(xml).toContain('<error message="port busy" type="lock_held">port busy\nhint: wait</error>');
  });

  it('control characters from a device never make invalid XML', () => {
    const xml = renderJunit(
      report([test({ name: 'bad\u0000\u0007name', state: 'failed', error: { message: '\u001b[31mred' } })]),
    );
    expect(xml).toContain('name="badname"');
    expect(xml).toContain('message="[31mred"');
  });

  it('merges shard files: suites concatenated, totals summed', () => {
    const a = renderJunit(report([test({})], { shard: { index: 1, count: 2 } }));
    const b = renderJunit(report([FAILED], { shard: { index: 2, count: 2 } }));
    const merged = mergeJunit([a, b]);
    expect(merged).toContain('tests="2" failures="1" errors="0" skipped="0"');
    expect(merged.match(/<testsuite /g)).toHaveLength(2);
  });
});

describe('html', () => {
  it('one self-contained page with summary, failure context, sweep chart and latency histogram', () => {
    const html = renderHtml(report([test({}), FAILED]));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src="http|url\(/);
    expect(html).toContain('1 passed');
    expect(html).toContain('1 failed');
    expect(html).toContain(
      '<details open><summary><span class="failed">failed</span> pwm › sweep &lt;50%&gt;',
    );
    expect(html).toContain('I (123) app: pwm &lt;set&gt;');
    expect(html).toContain('dut -&gt; {&quot;id&quot;:1,&quot;op&quot;:&quot;pwm.set&quot;}');
    expect(html).toContain('aria-label="PWM sweep expected vs measured"');
    expect(html).toContain('fill="#d33"><title>50 %: measured 600, expected 512 ±32</title>');
    expect(html).toContain('aria-label="actuation latency histogram"');
    expect(html).toContain('p99 10.0');
    expect(html).toContain('status LED');
    expect(html).toContain('<a href="serial.log">serial.log</a>');
    expect(html).toContain('<a href="junit.xml">junit.xml</a>');
    expect(html).toContain('<summary>Run: 0123456789ab (dirty) on bench-host</summary>');
    expect(html).toContain(`<tr><td>bench.sha256</td><td>${'ab'.repeat(32)}</td></tr>`);
  });
});

describe('writeReports', () => {
  it('writes junit.xml, report.json, report.html and serial.log', async () => {
    const dir = await tempDir('rep-');
    const r = report([FAILED]);
    const files = await writeReports(dir, r, [{ at: T0 + 1500, text: 'rst:0x1 (POWERON_RESET),boot:0x13' }]);
    expect(JSON.parse(await readFile(files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(r)));
    expect(await readFile(files.serialLog, 'utf8')).toBe('    1.500 rst:0x1 (POWERON_RESET),boot:0x13\n');
    expect(await readFile(files.junit, 'utf8')).toContain('<testsuite name="hil.sim.pwm"');
    expect(await readFile(files.html, 'utf8')).toContain('</html>');
  });
});
