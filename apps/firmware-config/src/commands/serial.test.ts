import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveCapabilities, starterConfig } from '@esphil/device-model';
import { type SimBench, startSimBench, type VirtualSerialDevice, type VirtualSerialLink } from '@esphil/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli-main';
import { memoryIO } from './io';
import { provisionCommand } from './provision';
import { pushCommand } from './push';

let bench: SimBench;
let dir: string;

beforeEach(async () => {
  // An unprovisioned DUT: provisioning has something to do.
  bench = await startSimBench({ credentials: null });
  await bench.dut.waitForPhase('running');
  dir = mkdtempSync(join(tmpdir(), 'fwcfg-serial-'));
});
afterEach(async () => {
  await bench.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  const io = memoryIO();
  const code = await runCli(argv, { io, env, binding: bench.binding });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

/** A device that answers config.set with a fixed answer (a firmware that disagrees with the model). */
function fakeConfigDevice(answer: Record<string, unknown>): VirtualSerialDevice {
  let link: VirtualSerialLink | undefined;
  let buffer = '';
  return {
    onAttach(l) {
      link = l;
    },
    onData(bytes) {
      buffer += new TextDecoder().decode(bytes);
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line.startsWith('@esphil ')) continue;
        const req = JSON.parse(line.slice('@esphil '.length)) as { id: number };
        link?.push(`@esphil ${JSON.stringify({ t: 'res', id: req.id, ...answer })}\r\n`);
      }
    },
  };
}

describe('provision', () => {
  it('joins the network over Improv and prints the device URL, never the password', async () => {
    const r = await run(
      ['provision', '--port', bench.dutPath, '--ssid', 'esphil-lab', '--password-env', 'WIFI_PW'],
      { WIFI_PW: 'esphil-sim' },
    );
    expect(r.err).not.toContain('esphil-sim');
    expect(r.out).not.toContain('esphil-sim');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^(ws|http):\/\/\S+/);
    expect(bench.dut.wifiConnected).toBe(true);
  });

  it('reports a wrong password without echoing it', async () => {
    const r = await run(
      ['provision', '--port', bench.dutPath, '--ssid', 'esphil-lab', '--password-env', 'WIFI_PW'],
      { WIFI_PW: 'not-the-password' },
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/could not join the network/);
    expect(r.err).not.toContain('not-the-password');
  });

  it('fails clearly when the password variable is unset', async () => {
    const r = await run([
      'provision',
      '--port',
      bench.dutPath,
      '--ssid',
      'esphil-lab',
      '--password-env',
      'NOPE',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('Environment variable NOPE is not set');
  });

  it('a port that does not exist is a port_missing error (native binding)', async () => {
    const io = memoryIO();
    const code = await runCli(['provision', '--port', '/dev/ttyESPHIL-missing-0', '--ssid', 'x'], { io });
    expect(code).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/No serial port at \/dev\/ttyESPHIL-missing-0\..*\[port_missing\]/);
  });

  it('a virtual port that does not exist names the ports that do', async () => {
    const r = await run(['provision', '--port', '/sim/nothing-here', '--ssid', 'x']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No serial port at \/sim\/nothing-here/);
    expect(r.err).toMatch(/no virtual device at \/sim\/nothing-here; attached: \/sim\/dut, \/sim\/probe/);
  });

  it('a device that never answers times out with a clear message', async () => {
    bench.binding.attach('/sim/silent', {});
    const io = memoryIO();
    await expect(
      provisionCommand({ port: '/sim/silent', ssid: 'x', binding: bench.binding, timeoutMs: 50, io }),
    ).rejects.toMatchObject({
      code: 'device_timeout',
      message: expect.stringMatching(/never answered.*within 50 ms/s),
    });
  });
});

describe('push', () => {
  const config = starterConfig('esp32-doit-devkit-v1');

  it('sends config.set; the device confirms with matching capabilities', async () => {
    const changed = { ...config, pwm: [{ name: 'pump', pin: 19, freq: 1000, bits: 8 }] };
    const path = join(dir, 'device.json');
    writeFileSync(path, JSON.stringify(changed));
    const r = await run(['push', '--port', bench.dutPath, path]);
    expect(r.err).not.toContain('different capabilities');
    expect(r.err).not.toContain('firmware-config:');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/accepted the config; capabilities match\. It reboots in \d+ ms/);
    // The simulated device stored it and boots with it.
    await bench.dut.waitForPhase('booting');
    await bench.dut.waitForPhase('running');
    expect(bench.dut.capabilities?.pwm).toEqual([{ name: 'pump', pin: 19, freq: 1000, bits: 8 }]);
  });

  it('shows the difference when the device reports other capabilities', async () => {
    const wrong = { ...deriveCapabilities(config), pwm: [{ name: 'fan', pin: 18, freq: 1000, bits: 10 }] };
    bench.binding.attach(
      '/sim/odd',
      fakeConfigDevice({ ok: true, result: { caps: wrong, rebootInMs: 100 } }),
    );
    const io = memoryIO();
    const path = join(dir, 'device.json');
    writeFileSync(path, JSON.stringify(config));
    const outcome = await pushCommand({ file: path, port: '/sim/odd', binding: bench.binding, io });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.differences).toEqual([{ path: 'pwm[0].freq', expected: 5000, actual: 1000 }]);
    expect(io.stderr.join('\n')).toContain('pwm[0].freq\n    - expected 5000\n    + device   1000');
  });

  it('reports a device that refuses the config', async () => {
    bench.binding.attach(
      '/sim/refuses',
      fakeConfigDevice({
        ok: false,
        error: { code: 'bad_param', msg: 'no room for 3 PWM outputs', path: 'config.pwm' },
      }),
    );
    const path = join(dir, 'device.json');
    writeFileSync(path, JSON.stringify(config));
    const r = await run(['push', '--port', '/sim/refuses', path]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      'The device refused the config: bad_param: no room for 3 PWM outputs (at config.pwm)',
    );
  });

  it('refuses an invalid config before opening the port', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ ...config, leds: [{ name: 'x', pin: 6 }] }));
    const r = await run(['push', '--port', '/sim/nothing-here', path]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('pin.flash');
    expect(r.err).not.toContain('port_missing');
  });

  it('a device that never answers times out with a clear message', async () => {
    bench.binding.attach('/sim/silent', {});
    const path = join(dir, 'device.json');
    writeFileSync(path, JSON.stringify(config));
    const r = await run(['push', '--port', '/sim/silent', '--timeout', '50', path]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /did not confirm the config within 50 ms: No response to serial request #\d+ \(config\.set\)/,
    );
  });

  it('a missing port and an unreadable file are reported', async () => {
    const path = join(dir, 'device.json');
    writeFileSync(path, JSON.stringify(config));
    const io = memoryIO();
    expect(await runCli(['push', '--port', '/dev/ttyESPHIL-missing-0', path], { io })).toBe(1);
    expect(io.stderr.join('\n')).toContain('[port_missing]');
    expect((await run(['push', '--port', bench.dutPath, join(dir, 'none.json')])).err).toContain(
      'Cannot read config',
    );
  });
});
