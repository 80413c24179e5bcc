import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IsolatedRunner, startIsolatedRunner } from '../testing/isolated';
import { useTempDirs } from '../testing/temp-dirs';
import { findAll, parseXmlStrict } from '../testing/xml-check';

const tempDir = useTempDirs();

let runner: IsolatedRunner;
beforeAll(async () => {
  runner = await startIsolatedRunner();
});
afterAll(async () => {
  await runner?.close();
});

describe('runHil on the simulated bench (zero latency)', () => {
  it('runs every built-in suite, passes, and writes the three reports and the serial log', async () => {
    const out = await tempDir('hil-out-');
    const { exitCode, report } = await runner.run({ out });
    const failed = report.tests
      .filter((t) => t.state !== 'passed')
      .map((t) => `${t.suite} › ${t.name}: ${t.error?.message}`);
    expect(report.benchError).toBeNull();
    expect(failed).toEqual([]);
    expect(exitCode).toBe(0);
    expect(new Set(report.tests.map((t) => t.suite))).toEqual(
      new Set(['boot', 'led', 'pwm', 'button', 'sensor', 'broadcast', 'frames', 'latency', 'reset']),
    );
    expect(report.pwmSweep.map((p) => p.duty)).toEqual([0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]);
    expect(report.latency?.samplesMs.length).toBe(30);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain(`tests="${report.tests.length}" failures="0"`);
    // A whole real run is well-formed XML, and the reset test's <system-out> holds the reboot it caused.
    const resetCases = findAll(parseXmlStrict(junit), 'testcase').filter((t) =>
      t.attrs.classname?.endsWith('.reset'),
    );
    const resetOut = resetCases.flatMap((t) =>
      t.children.filter((c) => c.name === 'system-out').map((c) => c.text),
    );
    expect(resetOut.join('\n')).toMatch(/rst:0x[0-9a-f]+ \(/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|<link|src="http/);
    const json = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
    expect(json.exitCode).toBe(0);
    // The checkout under test is a git repository: the run names its commit and the default bench's hash.
    expect(json.run.status).toBe('passed');
    expect(json.run.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(json.run.benchFile).toMatch(/benches\/sim\.json$/);
    expect(json.run.benchSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(json.run.endedAt)).toBeGreaterThanOrEqual(Date.parse(json.run.startedAt));
    expect(await readFile(join(out, 'serial.log'), 'utf8')).toContain('@esphil {"t":"ready"');
  });

  it('runs a user suite from --suite-dir with the same fixtures, without the built-in ones', async () => {
    const dir = new URL('../../examples', import.meta.url).pathname;
    const { exitCode, report } = await runner.run({
      out: null,
      suiteDirs: [dir],
      noBuiltin: true,
      suites: ['ping'],
    });
    expect(report.tests.map((t) => [t.suite, t.state])).toEqual([
      ['ping', 'passed'],
      ['ping', 'passed'],
    ]);
    expect(report.tests[0]?.measurements[0]?.name).toBe('uptime grows');
    expect(exitCode).toBe(0);
  });

  it('a test that fails and then passes on retry is reported as flaky (exit 0), never hidden', async () => {
    const dir = new URL('../testing/suites', import.meta.url).pathname;
    const out = await tempDir('hil-flaky-');
    const { exitCode, report } = await runner.run({ out, suiteDirs: [dir], noBuiltin: true, retries: 1 });
    expect(report.tests.map((t) => [t.name, t.state, t.retries])).toEqual([
      ['passes on the second attempt', 'flaky', 1],
    ]);
    expect(report.summary).toMatchObject({ passed: 0, flaky: 1, failed: 0 });
    expect(exitCode).toBe(0);
    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('<property name="flaky" value="true"/>');
    // The Surefire form CI readers understand: the failed attempt inside the passing testcase, with its real type.
    const tc = findAll(parseXmlStrict(junit), 'testcase')[0]!;
    // No <system-out>: the sim prints nothing on serial during a ping.
    expect(tc.children.map((c) => c.name)).toEqual(['properties', 'flakyFailure']);
    const ff = tc.children[1]!;
    expect(ff.attrs.type).toBe('AssertionError');
    expect(ff.attrs.message).toMatch(/^first attempt fails on purpose: expected 1 to be greater than 1/);
    expect(ff.children.map((c) => c.name)).toEqual(['stackTrace']);
    expect(report.tests[0]?.serialOut).toEqual({ entries: [], omitted: 0 });
  });

  it('a DUT reboot nobody announced fails exactly the test it happened in', async () => {
    const dir = new URL('../testing/suites-reboot', import.meta.url).pathname;
    const { exitCode, report } = await runner.run({ out: null, suiteDirs: [dir], noBuiltin: true });
    expect(report.tests.map((t) => [t.name, t.state])).toEqual([
      ['an announced reboot passes', 'passed'],
      ['an unannounced reboot fails the test it happened in', 'failed'],
      ['the next test is not blamed', 'passed'],
    ]);
    expect(report.tests[1]?.error?.message).toMatch(/rebooted unexpectedly during this test/);
    expect(exitCode).toBe(1);
  });
});
