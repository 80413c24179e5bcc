import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import { main } from '../cli/main';
import { acquireLock } from '../lock/lock';
import type { HilReport } from '../report/model';
import { useTempDirs } from '../testing/temp-dirs';
import { parseXmlStrict } from '../testing/xml-check';
import { reportDir } from './paths';
import { runHil } from './run-hil';

// Every case stops before the suites, so runHil runs in-process here (no nested vitest).

const HW = {
  name: 'desk',
  kind: 'hardware',
  dut: { port: '/dev/esphil-test-no-such-port' },
  probe: { port: '/dev/esphil-test-no-such-probe', board: 'arduino-zero' },
  wiring: { wires: [{ kind: 'digital', name: 'status LED', dutPin: 2, probePin: 2 }] },
  device: { version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'status', pin: 2 }] },
};

const tempDir = useTempDirs();
const tmp = () => tempDir('hil-stage-');

describe('bench/infrastructure failures end with exit 2 and a message that says what to fix', () => {
  it('malformed bench file', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'b.json'), JSON.stringify({ dut: { baud: 'fast' }, probe: {} }));
    const { exitCode, report } = await runHil({ benchFile: join(dir, 'b.json'), out: dir });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('bench_invalid');
    expect(report.benchError?.message).toMatch(/dut\.port: missing serial port -> write a path/);
    expect(report.stages.map((s) => [s.name, s.status])).toEqual([
      ['bench', 'failed'],
      ['report', 'ok'],
    ]);
  });

  it('missing serial port', async () => {
    const dir = await tmp();
    const { bench } = resolveBench(HW);
    const { exitCode, report } = await runHil({ bench: bench!, out: null, lockDir: dir });
    expect(exitCode).toBe(2);
    expect(report.benchError).toMatchObject({ code: 'port_missing' });
    expect(report.benchError?.message).toContain('/dev/esphil-test-no-such-port');
    expect(report.benchError?.hint).toMatch(/hil ports/);
  });

  it('crossed wires: the report carries the wiring table the hint points at', async () => {
    const dir = await tmp();
    const { bench } = resolveBench({
      kind: 'sim',
      dut: { port: '/sim/dut' },
      probe: { port: '/sim/probe', board: 'arduino-zero' },
      sim: { latency: 'zero', faults: ['wires-swapped'] },
    });
    const { exitCode, report } = await runHil({ bench: bench!, out: dir });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('wiring_crossed');
    expect(report.benchError?.hint).toMatch(/wiring table/);
    const crossed = report.wiring.filter((f) => f.status === 'crossed');
    expect(crossed.map((f) => [f.wire, f.otherWire])).toContainEqual(['status LED', 'fan PWM']);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Wiring check</h2>');
    expect(html).toMatch(/status LED[\s\S]*crossed/);
  });

  it('lock held by another run', async () => {
    const dir = await tmp();
    const other = await acquireLock('/dev/esphil-test-no-such-port', {
      dir,
      owner: 'hil nightly (other run)',
    });
    try {
      const { bench } = resolveBench(HW);
      const { exitCode, report } = await runHil({ bench: bench!, out: null, lockDir: dir });
      expect(exitCode).toBe(2);
      expect(report.benchError?.code).toBe('lock_held');
      expect(report.benchError?.message).toContain(`pid ${process.pid}`);
      expect(report.benchError?.message).toContain('hil nightly (other run)');
    } finally {
      other.release();
    }
  });

  it('a board that never boots (boot loop): the reports show the panic the hint points to', async () => {
    const out = await tmp();
    const { exitCode, report, files } = await runHil({ out, simFaults: ['reboot-loop'] });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('never_ready');
    expect(report.benchError?.message).toMatch(/boot loop/);
    expect(report.benchError?.hint).toMatch(/read the panic in the serial log \(report\.html/);
    expect(report.tests).toEqual([]);
    // The sim's panic output (packages/sim/src/dut/console-text.ts panicLines) found, with its backtrace.
    const panic = report.crashes.find((c) => c.kind === 'panic');
    expect(panic).toMatchObject({ reason: 'LoadProhibited', severity: 'error' });
    expect(panic?.backtraces[0]?.frames.length).toBeGreaterThan(0);
    const json = JSON.parse(await readFile(files!.json, 'utf8')) as HilReport;
    expect(json.crashes).toEqual(report.crashes);
    const serialLines = (await readFile(files!.serialLog, 'utf8')).split('\n');
    expect(serialLines[panic!.firstLine]).toMatch(/Guru Meditation Error/);
    const html = await readFile(files!.html, 'utf8');
    expect(html).toContain('<h2>Stages</h2>');
    expect(html).toMatch(/<td>ready<\/td><td class="failed">failed<\/td>/);
    expect(html).toContain(`<a href="#L${panic!.firstLine + 1}">serial.log:${panic!.firstLine + 1}-`);
    expect(html).toContain('<mark>Backtrace: 0x');
    const junit = parseXmlStrict(await readFile(files!.junit, 'utf8'));
    expect(JSON.stringify(junit)).toContain('Guru Meditation Error');
  });

  it('the CLI names the crash under the bench error line', async () => {
    const out = await tmp();
    const err: string[] = [];
    const code = await main(['run', '--sim-fault', 'reboot-loop', '--out', out], {
      stdout: { write: () => true },
      stderr: { write: (s: string) => err.push(s) },
    });
    expect(code).toBe(2);
    expect(err.join('')).toMatch(
      /hil: bench error \(never_ready\)[^\n]*\n {2}what to do: [^\n]*\n {2}serial log: Guru Meditation Error: Core {2}1 panic'ed \(LoadProhibited\)\. Exception was unhandled\. \(serial\.log:\d+-\d+\)\n$/,
    );
  });

  it("hil doctor writes its own folder and leaves the last run's reports alone", async () => {
    const out = await tmp();
    await writeFile(join(out, 'report.json'), '{"the last run":true}\n');
    const { report, files } = await runHil({ command: 'doctor', out });
    expect(report.command).toBe('doctor');
    expect(files?.json).toBe(join(out, 'doctor', 'report.json'));
    expect(reportDir(out, 'doctor')).toBe(join(out, 'doctor'));
    expect(reportDir(out, 'run')).toBe(out);
    expect((await readdir(join(out, 'doctor'))).sort()).toEqual([
      'junit.xml',
      'report.html',
      'report.json',
      'serial.log',
    ]);
    expect(await readFile(join(out, 'report.json'), 'utf8')).toBe('{"the last run":true}\n');
    expect(report.wiring.length).toBeGreaterThan(0);
  });

  it('a DUT that never prints its ready line (no reset, ready already gone by)', async () => {
    const { bench } = resolveBench({
      kind: 'sim',
      dut: { port: '/sim/dut', reset: 'none' },
      probe: { port: '/sim/probe', board: 'arduino-zero' },
      timeouts: { readyMs: 300 },
    });
    const { exitCode, report } = await runHil({ bench: bench!, out: null });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('never_ready');
    expect(report.benchError?.message).toMatch(/never printed its ready line/);
    expect(report.benchError?.hint).toMatch(/baud rate|reset/);
  });

  it('an unknown suite name lists the known ones', async () => {
    const { exitCode, report } = await runHil({ out: null, suites: ['nope'] });
    expect(exitCode).toBe(2);
    expect(report.benchError?.code).toBe('suite_not_found');
    expect(report.benchError?.hint).toMatch(/boot.*led/);
  });
});
