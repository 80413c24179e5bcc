import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CLI_HTTP_PORT,
  DEFAULT_CLI_PORT,
  parseSimArgs,
  type RunningSim,
  runSimCli,
  SIM_CLI_USAGE,
  type SimCliIo,
} from './cli';
import { FAULT_NAMES } from './faults/catalog';
import { openClient } from './testing/ws-client';

describe('parseSimArgs', () => {
  it('has the documented defaults', () => {
    expect(parseSimArgs([])).toMatchObject({
      host: '127.0.0.1',
      port: DEFAULT_CLI_PORT,
      httpPort: DEFAULT_CLI_HTTP_PORT,
      latency: 'wifi',
      sensor: 'wave',
      faults: [],
      pty: false,
    });
  });

  it('takes --http-port n|off and --sensor wave|probe', () => {
    expect(parseSimArgs(['--http-port', '0']).httpPort).toBe(0);
    expect(parseSimArgs(['--http-port=off']).httpPort).toBeNull();
    expect(parseSimArgs(['--sensor', 'probe']).sensor).toBe('probe');
    expect(() => parseSimArgs(['--http-port', 'x'])).toThrow(/--http-port x: must be a whole number/);
    expect(() => parseSimArgs(['--sensor', 'sine'])).toThrow(/--sensor sine: use wave or probe/);
  });

  it('loads YAML configs (.yaml/.yml) as firmware-config init writes them, and refuses bad ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'esphil-sim-yaml-'));
    try {
      const good = join(dir, 'device.yaml');
      writeFileSync(good, 'version: 1\nboard: esp32-doit-devkit-v1\nleds:\n  - name: a\n    pin: 23\n');
      expect(parseSimArgs(['--config', good]).config).toMatchObject({ leds: [{ name: 'a', pin: 23 }] });
      const bad = join(dir, 'bad.yml');
      writeFileSync(bad, 'leds: [unclosed\n');
      expect(() => parseSimArgs(['--config', bad])).toThrow(/not valid YAML/);
      const bomb = join(dir, 'bomb.yaml');
      const refs = Array.from({ length: 60 }, (_, i) => `k${i}: *a`).join('\n');
      writeFileSync(bomb, `base: &a [1, 2, 3]\n${refs}\n`);
      expect(() => parseSimArgs(['--config', bomb])).toThrow(/not valid YAML/);
      const invalid = join(dir, 'invalid.yaml');
      writeFileSync(invalid, 'version: 1\nboard: esp32-doit-devkit-v1\nleds:\n  - name: a\n    pin: 6\n');
      expect(() => parseSimArgs(['--config', invalid])).toThrow(/invalid device config/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

async function runEsphil(argv: string[], io: SimCliIo): Promise<RunningSim> {
  const r = await runSimCli(argv, io);
  if (r?.firmware !== 'esphil') throw new Error('expected an esphil sim');
  return r;
}

describe('runSimCli', () => {
  it('prints the JSON line first, serves the URL, and stops cleanly', async () => {
    const out: string[] = [];
    const sim = await runEsphil(
      ['--port', '0', '--http-port', '0', '--latency', 'zero', '--fault', 'client-limit:3'],
      {
        stdout: (l) => out.push(l),
        stderr: (l) => out.push(l),
      },
    );
    expect(sim).not.toBeNull();
    const info = JSON.parse(out[0]!);
    expect(info).toEqual({ url: sim!.bench.url, pageUrl: sim!.bench.pageUrl, dutPty: null, probePty: null });
    expect(info.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(out.join('\n')).toContain('faults     client-limit');
    const c = await openClient(info.url);
    expect(c.frames[0]).toMatchObject({ t: 'hello', caps: { maxClients: 5 } });
    await c.close();
    await sim!.stop();
    expect(out.at(-1)).toBe('esphil-sim: stopped.');
  });

  it('reports a busy port clearly', async () => {
    const first = await runEsphil(['--port', '0', '--http-port', '0', '--latency', 'zero'], {
      stdout: () => {},
      stderr: () => {},
    });
    const port = first!.bench.dut.port;
    await expect(
      runSimCli(['--port', String(port), '--http-port', '0', '--latency', 'zero'], {
        stdout: () => {},
        stderr: () => {},
      }),
    ).rejects.toThrow(new RegExp(`a port on 127.0.0.1 is in use \\(WebSocket ${port}`));
    await first!.stop();
  });

  it('moves inputs from stdin commands and answers each line', async () => {
    const stdin = new PassThrough();
    const out: string[] = [];
    const sim = await runEsphil(['--port', '0', '--http-port', 'off', '--latency', 'zero'], {
      stdout: (l) => out.push(l),
      stderr: (l) => out.push(l),
      stdin,
    });
    const c = await openClient(sim!.bench.url);
    const answer = async (line: string): Promise<string> => {
      const before = out.length;
      stdin.write(`${line}\n`);
      await expect.poll(() => out.length).toBeGreaterThan(before);
      return out[before]!;
    };
    try {
      expect(c.frames[0]).toMatchObject({ state: { buttons: { boot: false } } });
      expect(await answer('button boot press')).toBe('ok button boot pressed');
      expect(await c.next((f) => f.ev === 'button')).toMatchObject({ button: 'boot', pressed: true });
      expect(await answer('sensor 1.5')).toBe('ok sensor light 1.5 V');
      const res = await c.request('sensor.subscribe', { sensor: 'light', hz: 50 });
      expect(res).toMatchObject({ ok: true });
      const ev = await c.next((f) => f.ev === 'sensor');
      expect(ev.raw).toBe(Math.round((1.5 / 3.3) * 4095));
      expect(await answer('status')).toBe('buttons boot=pressed; sensors light=1.5 V');
      expect(await answer('button boot jump')).toMatch(
        /^error bad_option: use: button <name> press\|release/,
      );
      expect(await answer('sensor 9')).toMatch(/^error bad_option: sensor volts must be 0..3.3/);
      expect(await answer('x'.repeat(2000))).toMatch(/line longer than 1024 bytes/);
      expect(await answer('dance')).toMatch(/unknown command "dance"; try help/);
    } finally {
      await c.close();
      await sim!.stop();
    }
  });

  it('--help prints usage and starts nothing', async () => {
    const out: string[] = [];
    expect(await runSimCli(['--help'], { stdout: (l) => out.push(l), stderr: () => {} })).toBeNull();
    expect(out[0]).toContain('Usage: esphil-sim');
  });
});

describe('runSimCli --firmware tutorial', () => {
  it('runs the tutorial sketch: plain text only, and refuses esphil-only options', async () => {
    const out: string[] = [];
    const sim = await runSimCli(['--firmware', 'tutorial', '--port', '0'], {
      stdout: (l) => out.push(l),
      stderr: (l) => out.push(l),
    });
    if (sim?.firmware !== 'tutorial') throw new Error('expected the tutorial sim');
    try {
      expect(JSON.parse(out[0]!)).toEqual({
        url: sim.bench.url,
        pageUrl: null,
        dutPty: null,
        probePty: null,
        firmware: 'tutorial',
      });
      const c = await openClient(sim.bench.url, { waitFor: 'open' });
      c.ws.send('LED ON');
      expect(await c.next()).toEqual({ text: 'LED is now ON' });
      expect(c.frames).toHaveLength(1);
      await c.close();
    } finally {
      await sim.stop();
    }
    await expect(
      runSimCli(['--firmware', 'tutorial', '--port', '0', '--fault', 'wifi-down'], {
        stdout: () => {},
        stderr: () => {},
      }),
    ).rejects.toThrow(/--fault: not available with --firmware tutorial/);
    expect(() => parseSimArgs(['--firmware', 'arduino'])).toThrow(
      /--firmware arduino: use esphil or tutorial/,
    );
  });
});
