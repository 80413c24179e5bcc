import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/temp-dirs';
import { findAll, parseXmlStrict, type XmlElement } from '../testing/xml-check';
import { errorContext, withContext } from './attach';
import { renderHtml } from './html';
import { visibleLines } from './html-serial';
import { mergeJunit, renderJunit } from './junit';
import { type HilReport, latencyStats, type SerialLogEntry, summarize, type TestRecord } from './model';
import { findCrashes } from './panic';
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
    crashes: [],
    fw: { version: '0.1.0', board: 'esp32-doit-devkit-v1', device: 'esphil-a1' },
    ...over,
  };
}

const FAILED = test({
  name: 'sweep <50%> & "more"',
  suite: 'pwm',
  state: 'failed',
  error: {
    message: 'expected 600 to be close to 512',
    stack: 'AssertionError: expected 600\n at x',
    type: 'AssertionError',
  },
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
      report([], {
        benchError: { code: 'lock_held', message: 'port busy', hint: 'wait' },
        exitCode: 2,
        wiring: [],
      }),
    );
    expect(xml).toContain('errors="1"');
    expect(xml).toContain(
      '<error message="port busy" type="HilError.lock_held">port busy\nhint: wait</error>',
    );
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
  it("the flash stage's files: name, offset, size, time and rate", () => {
    const files = [{ name: 'firmware.bin', offset: 0x10000, bytes: 4096, ms: 40, bytesPerSecond: 102_400 }];
    const flash = {
      name: 'flash' as const,
      status: 'ok' as const,
      startedAt: T0,
      durationMs: 50,
      detail: '1 file',
      files,
    };
    const html = renderHtml(report([], { stages: [flash] }));
    expect(html).toContain(
      '<tr><td>firmware.bin</td><td>0x10000</td><td>4096 B</td><td>40 ms</td><td>100.0 KB/s</td></tr>',
    );
  });

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

const child = (el: XmlElement, name: string) => el.children.find((c) => c.name === name);

describe('junit for CI readers (parsed with a strict XML check)', () => {
  it('the checker itself rejects what an XML parser would', () => {
    expect(() => parseXmlStrict('<a><b></a></b>')).toThrow(/mismatched/);
    expect(() => parseXmlStrict('<a x="1" x="2"/>')).toThrow(/duplicate/);
    expect(() => parseXmlStrict('<a>]]></a>')).toThrow(/]]>/);
    expect(() => parseXmlStrict('<a>&nbsp;</a>')).toThrow(/unknown entity/);
    expect(() => parseXmlStrict('<a>\u0007</a>')).toThrow(/XML Char/);
    expect(() => parseXmlStrict('<a>\ud800</a>')).toThrow(/XML Char/);
    expect(() => parseXmlStrict('<a/><b/>')).toThrow(/root/);
    expect(parseXmlStrict('<a k="x&#10;y">t&amp;<![CDATA[<c>]]></a>')).toMatchObject({
      attrs: { k: 'x\ny' },
      text: 't&<c>',
    });
  });

  it('a retried-then-passed test is a passing testcase with one <flakyFailure> per failed attempt (Surefire form)', () => {
    const flaky = test({
      name: 'reconnects',
      state: 'flaky',
      retries: 2,
      attemptErrors: [
        {
          message: 'led.set: timed out',
          stack: 'DeviceClientError: led.set: timed out\n    at a',
          type: 'DeviceClientError.timeout',
        },
        { message: 'expected false to be true', type: 'AssertionError' },
      ],
      serialOut: { entries: [{ at: T0 + 1001, text: 'I (5) ws: client 1 connected' }], omitted: 0 },
    });
    const doc = parseXmlStrict(renderJunit(report([flaky])));
    const tc = findAll(doc, 'testcase')[0]!;
    // Element order as in surefire-test-report-3.0.xsd (properties first, as Jenkins/pytest write them).
    expect(tc.children.map((c) => c.name)).toEqual([
      'properties',
      'flakyFailure',
      'flakyFailure',
      'system-out',
    ]);
    const [a, b] = tc.children.filter((c) => c.name === 'flakyFailure');
    expect(a!.attrs).toEqual({ message: 'led.set: timed out', type: 'DeviceClientError.timeout' });
    expect(child(a!, 'stackTrace')?.text).toBe('DeviceClientError: led.set: timed out\n    at a');
    expect(b!.attrs.type).toBe('AssertionError');
    expect(child(b!, 'stackTrace')?.text).toBe('expected false to be true');
    expect(child(tc, 'system-out')?.text).toBe('    1.001 I (5) ws: client 1 connected');
    expect(findAll(doc, 'failure')).toEqual([]);
    expect(findAll(doc, 'testsuite')[0]!.attrs.failures).toBe('0');
  });

  it('a test that failed every attempt: <failure> with the real error type, then <rerunFailure>s', () => {
    const failed = test({
      state: 'failed',
      retries: 1,
      error: {
        message: 'sweep points outside tolerance',
        stack: 'AssertionError: sweep points outside tolerance\n    at s',
        type: 'AssertionError',
      },
      attemptErrors: [{ message: 'connection lost', type: 'DeviceClientError.connection_lost' }],
    });
    const tc = findAll(parseXmlStrict(renderJunit(report([failed]))), 'testcase')[0]!;
    expect(tc.children.map((c) => c.name)).toEqual(['properties', 'failure', 'rerunFailure']);
    expect(child(tc, 'failure')?.attrs).toEqual({
      message: 'sweep points outside tolerance',
      type: 'AssertionError',
    });
    expect(child(tc, 'failure')?.text).toBe('AssertionError: sweep points outside tolerance\n    at s');
    expect(child(tc, 'rerunFailure')?.attrs.type).toBe('DeviceClientError.connection_lost');
    // An error recorded without a type (an older report.json) still gets the required attribute.
    const untyped = findAll(
      parseXmlStrict(renderJunit(report([test({ state: 'failed', error: { message: 'x' } })]))),
      'failure',
    );
    expect(untyped[0]!.attrs.type).toBe('Error');
  });

  it('per-test <system-out> carries the serial lines of that test and says how many the limit left out', () => {
    const t = test({
      serialOut: {
        entries: [
          { at: T0 + 1500, text: 'I (1500) app: led status on' },
          { at: T0 + 1510, text: 'I (1510) app: led status off' },
        ],
        omitted: 42,
      },
    });
    const out = child(findAll(parseXmlStrict(renderJunit(report([t]))), 'testcase')[0]!, 'system-out');
    expect(out?.text.split('\n')).toEqual([
      '… 42 earlier serial lines left out (serial.log has them)',
      '    1.500 I (1500) app: led status on',
      '    1.510 I (1510) app: led status off',
    ]);
  });

  it('stays well-formed for any text a device or suite produces', () => {
    const nasty = 'a]]>b <x> & "q" \'s\' \u0000\u0007\u001b[31m \ud83d\ude00 lone:\ud800 \ufffe tab\tend';
    const t = test({
      name: nasty,
      state: 'failed',
      error: { message: `line 1 ${nasty}\nline 2`, stack: nasty, type: nasty },
      hint: nasty,
      measurements: [{ name: nasty, expected: nasty, measured: nasty, ok: false }],
      serialOut: { entries: [{ at: T0, text: nasty }], omitted: 0 },
      attemptErrors: [{ message: nasty, stack: nasty, type: nasty }],
    });
    const doc = parseXmlStrict(renderJunit(report([t], { bench: { name: nasty, kind: 'sim', file: null } })));
    const failure = findAll(doc, 'failure')[0]!;
    // Line breaks in attributes survive as character references; control characters are gone; emoji intact.
    expect(failure.attrs.message).toBe(
      'line 1 a]]>b <x> & "q" \'s\' [31m \ud83d\ude00 lone:\ufffd  tab\tend\nline 2',
    );
    expect(child(findAll(doc, 'testcase')[0]!, 'system-out')?.text).toContain('a]]>b <x>');
  });

  it('a bench error names the crash lines, the backtrace and the suspect wires in its <error>', () => {
    const serial = BOOT_LOOP.map((text, i) => ({ at: T0 + i, text }));
    const r = report([], {
      benchError: { code: 'never_ready', message: 'the DUT rebooted: boot loop', hint: 'read the panic' },
      exitCode: 2,
      crashes: findCrashes(serial),
      wiring: [{ wire: 'fan PWM', status: 'crossed', detail: 'moved status LED', otherWire: 'status LED' }],
    });
    const err = findAll(parseXmlStrict(renderJunit(r)), 'error')[0]!;
    expect(err.attrs.type).toBe('HilError.never_ready');
    expect(err.text.split('\n')).toEqual([
      'the DUT rebooted: boot loop',
      'hint: read the panic',
      "serial.log:5-9: Guru Meditation Error: Core  1 panic'ed (LoadProhibited). Exception was unhandled.",
      '  Backtrace: 0x400d1a2c:0x3ffb1f50 0x400d2b3f:0x3ffb1f70',
      "wire 'fan PWM': crossed: moved status LED",
    ]);
  });
});

// What the sim prints in its reboot-loop fault (packages/sim/src/dut/console-text.ts), as a boot loop looks.
const BOOT_LOOP = [
  'ets Jun  8 2016 00:22:57',
  'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
  'entry 0x400805e4',
  '@esphil {"t":"ready","fw":"0.1.0"}',
  "Guru Meditation Error: Core  1 panic'ed (LoadProhibited). Exception was unhandled.",
  '',
  'Backtrace: 0x400d1a2c:0x3ffb1f50 0x400d2b3f:0x3ffb1f70',
  '',
  'Rebooting...',
  'ets Jun  8 2016 00:22:57',
  'rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
];

describe('report.html for a bench error is complete', () => {
  const serial: SerialLogEntry[] = BOOT_LOOP.map((text, i) => ({ at: T0 + 100 + i, text }));
  const bootLoop = () =>
    report([], {
      benchError: {
        code: 'never_ready',
        message: 'the DUT rebooted within 1000 ms of its ready line (reset reason "panic"): boot loop',
        hint: 'read the panic in the serial log (report.html / serial.log): the firmware crashes right after boot',
      },
      exitCode: 2,
      stages: [
        { name: 'bench', status: 'ok', startedAt: T0, durationMs: 3 },
        { name: 'reset', status: 'ok', startedAt: T0, durationMs: 120 },
        { name: 'ready', status: 'failed', startedAt: T0, durationMs: 1500, detail: 'boot loop' },
      ],
      wiring: [],
      crashes: findCrashes(serial),
    });

  it('stages, the hint, the panic with its backtrace highlighted, and the serial log numbered like serial.log', () => {
    const html = renderHtml(bootLoop(), { serialLog: serial });
    expect(html).toContain('<h2 class="failed">Bench error (never_ready)</h2>');
    expect(html).toContain('<b>what to do:</b> read the panic in the serial log');
    expect(html).toContain(
      '<tr><td>ready</td><td class="failed">failed</td><td>1500 ms</td><td>boot loop</td></tr>',
    );
    expect(html).toContain('<h2 class="failed">Crash output in the serial log (1)</h2>');
    expect(html).toContain('<b>panic</b> (LoadProhibited) — <a href="#L5">serial.log:5-9</a>');
    expect(html).toContain('<mark>Backtrace: 0x400d1a2c:0x3ffb1f50 0x400d2b3f:0x3ffb1f70</mark>');
    expect(html).toContain('backtrace: <code>0x400d1a2c</code> <code>0x400d2b3f</code>');
    // The serial log section is open for a bench error; the panic's lines are marked, line numbers match serial.log.
    expect(html).toContain('<details open><summary><b>Serial log</b> (11 lines)</summary>');
    expect(html).toMatch(/<span id="L5" class="crash head">\s+5 \+0\.104s Guru Meditation Error/);
    expect(html).toMatch(/<span id="L7" class="crash bt">\s+7 \+0\.106s Backtrace: 0x400d1a2c/);
    expect(html).toMatch(/<span id="L11" class="rst">\s+11 \+0\.110s rst:0xc \(SW_CPU_RESET\)/);
    expect(html).toContain('<p>no test ran</p>');
  });

  it('crossed wires: the wiring table with each wire, its status and detail', () => {
    const html = renderHtml(
      report([], {
        benchError: { code: 'wiring_crossed', message: 'wiring check failed', hint: 'see the wiring table' },
        exitCode: 2,
        wiring: [
          { wire: 'status LED', status: 'crossed', detail: "moved wire 'fan PWM'", otherWire: 'fan PWM' },
          { wire: 'fan PWM', status: 'crossed', detail: "moved wire 'status LED'", otherWire: 'status LED' },
          { wire: 'button', status: 'untested', detail: 'not reached' },
          { wire: 'sensor', status: 'ok', detail: 'followed' },
        ],
      }),
    );
    expect(html).toContain(
      '<tr><td>status LED</td><td class="crossed">crossed</td><td>moved wire &apos;fan PWM&apos; (other wire: fan PWM)</td></tr>',
    );
    expect(html).toContain('<tr><td>button</td><td class="untested">untested</td><td>not reached</td></tr>');
    expect(html).toContain('<tr><td>sensor</td><td class="passed">ok</td><td>followed</td></tr>');
  });

  it('a wiring stage that failed without findings says so instead of showing no table', () => {
    const html = renderHtml(
      report([], {
        wiring: [],
        stages: [{ name: 'wiring', status: 'failed', startedAt: T0, durationMs: 5, detail: 'probe lost' }],
      }),
    );
    expect(html).toContain('the wiring check stopped before it reported per-wire findings: probe lost');
  });

  it('links only the sibling files it is told exist', () => {
    const html = renderHtml(report([]), { links: ['report.json'] });
    expect(html).toContain('<p>files: <a href="report.json">report.json</a></p>');
    expect(html).not.toContain('href="junit.xml"');
  });

  it('a long log shows its crash blocks with context and its end, within the named limit', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({ at: i, text: `I (${i}) app: tick` }));
    entries[2000] = {
      at: 2000,
      text: "Guru Meditation Error: Core  0 panic'ed (StoreProhibited). Exception was unhandled.",
    };
    entries[2001] = { at: 2001, text: 'Rebooting...' };
    const show = visibleLines(entries.length, findCrashes(entries), 100);
    expect(show.filter(Boolean)).toHaveLength(100);
    expect(show[1990] && show[2000] && show[2011]).toBe(true);
    expect(show[1989] || show[2012]).toBe(false);
    expect(show[4999]).toBe(true);
    expect(show[0]).toBe(false);
  });
});

describe('writeReports for a bench error', () => {
  it('report.json carries the crash blocks; their lines index serial.log; report.html shows them', async () => {
    const dir = await tempDir('rep-crash-');
    const serial = BOOT_LOOP.map((text, i) => ({ at: T0 + i, text }));
    const r = report([], {
      benchError: { code: 'never_ready', message: 'boot loop' },
      exitCode: 2,
      crashes: findCrashes(serial),
    });
    const files = await writeReports(dir, r, serial);
    const json = JSON.parse(await readFile(files.json, 'utf8')) as HilReport;
    const panic = json.crashes.find((c) => c.kind === 'panic')!;
    const log = (await readFile(files.serialLog, 'utf8')).split('\n');
    expect(log[panic.firstLine]).toMatch(/^\s+0\.004 Guru Meditation Error/);
    expect(log[panic.backtraces[0]!.line]).toMatch(/Backtrace: 0x400d1a2c/);
    expect(json.crashes.map((c) => [c.kind, c.severity])).toEqual([
      ['reset', 'info'],
      ['panic', 'error'],
      ['reset', 'info'],
    ]);
    const html = await readFile(files.html, 'utf8');
    expect(html).toContain(
      '<a href="report.json">report.json</a> · <a href="junit.xml">junit.xml</a> · <a href="serial.log">serial.log</a>',
    );
    expect(html).toContain('class="crash head"');
  });
});

describe('bench-error context a stage attaches to its error', () => {
  it('carries the serial log and wiring findings; anything malformed or thrown is ignored', () => {
    const findings = [{ wire: 'fan PWM', status: 'crossed' as const, detail: 'd', otherWire: 'status LED' }];
    const err = withContext(new Error('wiring check failed'), {
      findings,
      serialLog: [{ at: 1, text: 'x' }],
    });
    expect(errorContext(err)).toEqual({ findings, serialLog: [{ at: 1, text: 'x' }] });
    expect(errorContext(Object.assign(new Error('e'), { findings: 'no', serialLog: 3 }))).toEqual({});
    expect(errorContext('thrown string')).toEqual({});
    expect(errorContext(null)).toEqual({});
  });
});
