// Any firmware under test, end to end: the simulated tutorial sketch through the built-in adapter and through a
// user adapter module; what it cannot do is skipped with the reason in every report, and a dead LED still fails.
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRecord } from '../report/model';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';
import { useTempDirs } from '../testing/temp-dirs';
import { findAll, parseXmlStrict } from '../testing/xml-check';

const tempDir = useTempDirs();
const BENCH = new URL('../../benches/sim-tutorial.json', import.meta.url).pathname;
const NEEDS_SUITES = new URL('../testing/suites-needs', import.meta.url).pathname;
const USER_ADAPTER = new URL('../testing/tutorial-adapter.mjs', import.meta.url).pathname;
/** The built-in tests the tutorial sketch can do: everything else needs esphil, pwm, buttons, ... */
const TUTORIAL_TESTS = [
  'led.set on and off show on the probe pin',
  'legacy "LED ON" / "LED OFF" text frames drive the first LED',
  'a text command from one client is broadcast to every text client ("LED is now ON/OFF")',
  'actuation latency (command sent -> pin seen by the probe) p50/p95/p99',
];

let runner: IsolatedRunner;
beforeAll(async () => {
  runner = await startIsolatedRunner();
});
afterAll(async () => {
  await runner?.close();
});

const names = (tests: TestRecord[], state: TestRecord['state']) =>
  tests.filter((t) => t.state === state).map((t) => t.name);

describe('a DUT that does not speak esphil', () => {
  it('runs the LED suites against the tutorial sketch and reports every other test skipped, with why', async () => {
    const out = await tempDir('hil-tutorial-');
    const { exitCode, report } = await runner.run({ benchFile: BENCH, out, suiteDirs: [NEEDS_SUITES] });
    expect(report.benchError).toBeNull();
    expect(names(report.tests, 'failed')).toEqual([]);
    expect(names(report.tests, 'passed')).toEqual([...TUTORIAL_TESTS, 'needs led.set']);
    expect(exitCode).toBe(0);
    const skipped = report.tests.filter((t) => t.state === 'skipped');
    expect(skipped.length).toBe(report.tests.length - TUTORIAL_TESTS.length - 1);
    for (const t of skipped) expect(t.skipReason, t.name).toMatch(/^the DUT \(tutorial\) cannot do /);
    const reason = (name: string) => report.tests.find((t) => t.name === name)?.skipReason;
    expect(reason('needs pwm')).toBe(
      'the DUT (tutorial) cannot do pwm (sets a PWM duty on command); it has: broadcast, led.set, legacy-text',
    );
    expect(reason('uses the esphil client without declaring it')).toMatch(/cannot do esphil \(/);
    // The probe saw the LED line follow: the wiring check found the tutorial's one wire ok.
    expect(report.wiring).toEqual([{ wire: 'LED', status: 'ok', detail: "d2 follows leds 'led'" }]);
    // junit: every skipped testcase says why.
    const cases = findAll(parseXmlStrict(await readFile(join(out, 'junit.xml'), 'utf8')), 'testcase');
    const skips = cases.flatMap((c) => c.children.filter((x) => x.name === 'skipped'));
    expect(skips.length).toBe(skipped.length);
    for (const s of skips) expect(s.attrs.message).toMatch(/^the DUT \(tutorial\) cannot do /);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<b>skipped:</b> the DUT (tutorial) cannot do pwm');
    const json = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(json.tests.find((t: TestRecord) => t.name === 'needs pwm').skipReason).toBe(reason('needs pwm'));
  });

  it('still fails the run when the LED line never moves (sim fault led-stuck-low): exit 1', async () => {
    const { exitCode, report } = await runner.run({
      benchFile: BENCH,
      out: null,
      simFaults: ['led-stuck-low'],
      suites: ['led'],
    });
    expect(report.benchError).toBeNull();
    const led = report.tests.find((t) => t.name === TUTORIAL_TESTS[0]);
    expect(led?.state).toBe('failed');
    expect(led?.error?.message).toMatch(/probe read 0 with the LED on/);
    expect(report.tests.find((t) => t.name === 'led.toggle flips the pin both ways')?.state).toBe('skipped');
    expect(report.wiring[0]?.status).toBe('silent');
    expect(exitCode).toBe(1);
  });

  it('drives it through a user adapter module (dut.adapter) with only the capabilities it declares', async () => {
    const dir = await tempDir('hil-adapter-');
    await copyFile(USER_ADAPTER, join(dir, 'my-dut.mjs'));
    const bench = JSON.parse(await readFile(BENCH, 'utf8'));
    bench.name = 'sim-user-adapter';
    bench.dut = { port: '/sim/dut', reset: 'sim', adapter: './my-dut.mjs' };
    bench.sim = { firmware: 'tutorial' };
    await writeFile(join(dir, 'bench.json'), JSON.stringify(bench));
    const { exitCode, report } = await runner.run({
      benchFile: join(dir, 'bench.json'),
      out: null,
      suites: ['led'],
    });
    expect(report.benchError).toBeNull();
    expect(report.stages.find((s) => s.name === 'connect')?.detail).toMatch(/\(my-tutorial\)$/);
    expect(names(report.tests, 'passed')).toEqual([TUTORIAL_TESTS[0]]);
    // It declared no legacy-text, so the legacy test is skipped even though the sketch could answer it.
    expect(report.tests.find((t) => t.name === TUTORIAL_TESTS[1])?.skipReason).toBe(
      'the DUT (my-tutorial) cannot do legacy-text (answers the tutorial text commands LED ON / LED OFF); it has: led.set',
    );
    expect(exitCode).toBe(0);
  });

  it('the tutorial adapter drives the esphil firmware too (it answers tutorial text), ready from dut.ready', async () => {
    const dir = await tempDir('hil-tutorial-on-esphil-');
    const bench = {
      name: 'tutorial-on-esphil',
      kind: 'sim',
      // The esphil ready line's URL, through the pattern's `url` group.
      dut: {
        port: '/sim/dut',
        protocol: 'tutorial',
        ready: '^@esphil \\{"t":"ready".*"url":"(?<url>[^"]+)"',
      },
      probe: { port: '/sim/probe', board: 'arduino-zero' },
      sim: { firmware: 'esphil' },
    };
    await writeFile(join(dir, 'bench.json'), JSON.stringify(bench));
    const { exitCode, report } = await runner.run({
      benchFile: join(dir, 'bench.json'),
      out: null,
      suites: ['led'],
    });
    expect(report.benchError).toBeNull();
    expect(report.stages.find((s) => s.name === 'connect')?.detail).toMatch(
      /^ws:\/\/127\.0\.0\.1:\d+\/ \(tutorial\)$/,
    );
    expect(names(report.tests, 'passed')).toEqual([TUTORIAL_TESTS[0], TUTORIAL_TESTS[1]]);
    expect(names(report.tests, 'skipped')).toEqual(['led.toggle flips the pin both ways']);
    expect(exitCode).toBe(0);
  });

  it('a module that is not an adapter is a bench error naming what is wrong, before the bench is touched', async () => {
    const dir = await tempDir('hil-bad-adapter-');
    await writeFile(
      join(dir, 'bad.mjs'),
      "export default { name: 'x', capabilities: ['teleport'], ready: {} };\n",
    );
    const bench = JSON.parse(await readFile(BENCH, 'utf8'));
    bench.dut = { port: '/sim/dut', adapter: './bad.mjs' };
    bench.sim = { firmware: 'tutorial' };
    await writeFile(join(dir, 'bench.json'), JSON.stringify(bench));
    const { exitCode, report } = await runner.run({ benchFile: join(dir, 'bench.json'), out: null });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('adapter_invalid');
    expect(report.benchError?.message).toContain('"connect" must be a function');
    expect(report.benchError?.message).toContain('unknown capabilities "teleport"');
    expect(report.benchError?.message).toContain('"ready" must be');
    expect(report.stages.map((s) => s.name)).toEqual(['bench']);
  });
});
