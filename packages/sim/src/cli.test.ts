import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLI_PORT, parseSimArgs, runSimCli, SIM_CLI_USAGE } from './cli';
import { FAULT_NAMES } from './faults/catalog';
import { openClient } from './testing/ws-client';

describe('parseSimArgs', () => {
  it('has the documented defaults', () => {
    expect(parseSimArgs([])).toMatchObject({
      host: '127.0.0.1',
      port: DEFAULT_CLI_PORT,
      latency: 'wifi',
      faults: [],
      pty: false,
    });
  });

  it('parses every option, repeatable faults and --opt=value', () => {
    const a = parseSimArgs([
      '--host',
      '0.0.0.0',
      '--port=0',
      '--latency',
      'zero',
      '--fault',
      'pwm-offset:5',
      '--fault=wifi-down',
      '--token',
      't',
      '--pty',
      '--seed',
      '9',
    ]);
    expect(a).toMatchObject({ host: '0.0.0.0', port: 0, latency: 'zero', token: 't', pty: true, seed: 9 });
    expect(a.faults).toEqual([{ name: 'pwm-offset', points: 5 }, { name: 'wifi-down' }]);
  });

  it('refuses bad input with messages that say what to fix', () => {
    expect(() => parseSimArgs(['--port', '70000'])).toThrow(/--port 70000: must be a whole number 0..65535/);
    expect(() => parseSimArgs(['--latency', 'lte'])).toThrow(
      /unknown profile; use zero, wifi, wifi-powersave/,
    );
    expect(() => parseSimArgs(['--fault', 'melt'])).toThrow(/unknown fault "melt"/);
    expect(() => parseSimArgs(['--port'])).toThrow(/--port needs a value/);
    expect(() => parseSimArgs(['--bogus'])).toThrow(/unknown option --bogus/);
  });

  it('loads and validates a --config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-sim-cli-'));
    const good = join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({ version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'a', pin: 23 }] }),
    );
    expect(parseSimArgs(['--config', good]).config).toMatchObject({ leds: [{ name: 'a', pin: 23 }] });
    const flash = join(dir, 'flash.json');
    writeFileSync(
      flash,
      JSON.stringify({ version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'a', pin: 6 }] }),
    );
    expect(() => parseSimArgs(['--config', flash])).toThrow(/invalid device config/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{nope');
    expect(() => parseSimArgs(['--config', bad])).toThrow(/not valid JSON/);
    expect(() => parseSimArgs(['--config', join(dir, 'missing.json')])).toThrow(/cannot read the file/);
  });

  it('the usage text lists every fault', () => {
    for (const name of FAULT_NAMES) expect(SIM_CLI_USAGE).toContain(name);
  });
});

describe('runSimCli', () => {
  it('prints the JSON line first, serves the URL, and stops cleanly', async () => {
    const out: string[] = [];
    const sim = await runSimCli(['--port', '0', '--latency', 'zero', '--fault', 'client-limit:3'], {
      stdout: (l) => out.push(l),
      stderr: (l) => out.push(l),
    });
    expect(sim).not.toBeNull();
    const info = JSON.parse(out[0]!);
    expect(info).toEqual({ url: sim!.bench.url, dutPty: null, probePty: null });
    expect(out.join('\n')).toContain('faults     client-limit');
    const c = await openClient(info.url);
    expect(c.frames[0]).toMatchObject({ t: 'hello', caps: { maxClients: 5 } });
    await c.close();
    await sim!.stop();
    expect(out.at(-1)).toBe('esphil-sim: stopped.');
  });

  it('reports a busy port clearly', async () => {
    const first = await runSimCli(['--port', '0', '--latency', 'zero'], {
      stdout: () => {},
      stderr: () => {},
    });
    const port = first!.bench.dut.port;
    await expect(
      runSimCli(['--port', String(port), '--latency', 'zero'], { stdout: () => {}, stderr: () => {} }),
    ).rejects.toThrow(new RegExp(`port ${port} on 127.0.0.1 is in use`));
    await first!.stop();
  });

  it('--help prints usage and starts nothing', async () => {
    const out: string[] = [];
    expect(await runSimCli(['--help'], { stdout: (l) => out.push(l), stderr: () => {} })).toBeNull();
    expect(out[0]).toContain('Usage: esphil-sim');
  });
});
