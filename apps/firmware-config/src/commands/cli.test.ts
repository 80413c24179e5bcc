import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { starterConfig, validateConfig } from '@esphil/device-model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '../cli-main';
import { memoryIO } from './io';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fwcfg-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

async function run(...argv: string[]) {
  const io = memoryIO();
  const code = await runCli(argv, { io });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

const starter = starterConfig('esp32-doit-devkit-v1');

describe('validate', () => {
  it('exits 0 on a valid config and still prints its warnings', async () => {
    const r = await run('validate', file('ok.json', starter));
    expect(r.code).toBe(0);
    // GPIO2 is a strapping pin on the DOIT board: a warning, with path, pin and hint.
    expect(r.out).toMatch(/warning leds\[0\]\.pin \[GPIO2\] pin\.strapping: .*\n\s+hint: /);
    expect(r.out).toMatch(/valid \(0 errors, 1 warning\)/);
  });

  it('says where in the file each diagnostic is', async () => {
    const yaml =
      'version: 1\nboard: esp32-devkitc\nleds:\n  - name: ok\n    pin: 23\n  - name: bad\n    pin: 6\n';
    const path = file('where.yaml', yaml);
    const r = await run('validate', path);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`pin.flash: `);
    expect(r.err).toContain(`at ${path}:7:10`);
  });

  it('accepts YAML', async () => {
    const r = await run(
      'validate',
      file('ok.yaml', 'version: 1\nboard: esp32-devkitc\nleds:\n  - name: a\n    pin: 23\n'),
    );
    expect(r.code).toBe(0);
  });

  it.each([
    ['a flash pin', { leds: [{ name: 'x', pin: 6 }] }, 'pin.flash', 6],
    ['an LED on an input-only pin', { leds: [{ name: 'x', pin: 35 }] }, 'pin.input-only', 35],
    [
      'a pin used twice',
      { leds: [{ name: 'x', pin: 2 }], buttons: [{ name: 'y', pin: 2 }] },
      'pin.duplicate',
      2,
    ],
    ['a sensor on ADC2 with WiFi', { sensors: [{ name: 's', pin: 4 }] }, 'adc2.wifi', 4],
    ['a pull on 34-39', { buttons: [{ name: 'b', pin: 36, pull: 'up' }] }, 'pin.no-pull', 36],
    ['infeasible PWM', { pwm: [{ name: 'p', pin: 18, freq: 40_000_000, bits: 8 }] }, 'pwm.infeasible', 18],
  ])('exits 1 and prints every diagnostic for %s', async (_what, extra, code, pin) => {
    const r = await run('validate', file('bad.json', { version: 1, board: 'esp32-devkitc', ...extra }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(`^error\\s+\\S+ \\[GPIO${pin}\\] ${code.replace('.', '\\.')}: .+\\n\\s+hint: .+`, 'm'),
    );
    expect(r.err).toMatch(/invalid \(\d+ errors?/);
  });

  it('prints all diagnostics, not just the first', async () => {
    const config = {
      version: 1,
      board: 'esp32-devkitc',
      leds: [
        { name: 'x', pin: 6 },
        { name: 'x', pin: 7 },
      ],
      bogus: 1,
    };
    const r = await run('validate', file('many.json', config));
    const expected = validateConfig(config).diagnostics;
    expect(expected.length).toBeGreaterThanOrEqual(3);
    for (const d of expected) expect(`${r.out}\n${r.err}`).toContain(`${d.code}: ${d.message}`);
  });

  it('reports shape errors with their path', async () => {
    const r = await run('validate', file('shape.json', { version: 2, board: 'nope' }));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\s+version config\.version/);
    expect(r.err).toMatch(/error\s+board board\.unknown/);
  });

  it('points a syntax error at line and column', async () => {
    const r = await run('validate', file('broken.yaml', 'version: 1\nboard: [esp32\n'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.yaml:\d+:\d+: YAML syntax error at line \d+, column \d+/);
    const j = await run('validate', file('broken.json', '{\n  "version": 1\n  "board": "x"\n}'));
    expect(j.code).toBe(1);
    expect(j.err).toMatch(/broken\.json:3:\d+: JSON syntax error at line 3/);
  });

  it('says when a file cannot be read', async () => {
    const missing = await run('validate', join(dir, 'nope.json'));
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.err).toContain('Cannot read config');
    expect(missing.err).toContain('no such file');
    expect((await run('validate', dir)).err).toContain('is a directory');
    const locked = file('locked.json', starter);
    chmodSync(locked, 0o000);
    const r = await run('validate', locked);
    // root reads anything; everyone else gets "permission denied".
    if (process.getuid?.() !== 0) expect(r.err).toContain('permission denied');
    else expect(r.code).toBe(0);
  });

  it('a misspelt key is an error with a did-you-mean hint, and generate refuses it', async () => {
    const { buttons, ...rest } = starter;
    const typo = file('typo.yaml', stringify({ ...rest, buttns: buttons }));
    const r = await run('validate', typo);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\s+buttns config\.unknown-key: Unknown key 'buttns'/);
    expect(r.err).toMatch(/did you mean 'buttons'\?/);
    const out = join(dir, 'gen-typo');
    expect((await run('generate', typo, '--out', out)).code).toBe(1);
    expect(existsSync(join(out, 'device_config.h'))).toBe(false);
  });

  it('duplicate keys are errors in JSON and YAML', async () => {
    const json = await run('validate', file('dup.json', '{"version": 1, "board": "a", "board": "b"}'));
    expect(json.code).toBe(1);
    expect(json.err).toMatch(/dup\.json:1:\d+: duplicate key 'board'/);
    const yaml = await run('validate', file('dup.yaml', 'version: 1\nboard: a\nboard: b\n'));
    expect(yaml.code).toBe(1);
    expect(yaml.err).toMatch(/dup\.yaml:3:\d+: YAML duplicate key/);
  });

  it('accepts a file starting with a UTF-8 byte order mark', async () => {
    const r = await run('validate', file('bom.json', `\uFEFF${JSON.stringify(starter)}`));
    expect(r.code).toBe(0);
  });

  it('usage errors exit 2', async () => {
    expect((await run('validate')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('validate', 'a', '--out', 'x')).err).toContain('validate does not take --out');
  });
});

describe('generate', () => {
  it('writes the header, the manifest and the SVG', async () => {
    const out = join(dir, 'gen');
    const r = await run('generate', file('ok.json', starter), '--out', out);
    expect(r.code).toBe(0);
    const header = readFileSync(join(out, 'device_config.h'), 'utf8');
    expect(header).toContain('static const char ESPHIL_DEVICE_CONFIG_JSON[] = R"json(');
    expect(header).toContain('#define ESPHIL_CFG_PWM_FAN_CHANNEL 0');
    expect(header).toContain('from ok.json');
    const manifest = JSON.parse(readFileSync(join(out, 'capabilities.json'), 'utf8'));
    expect(manifest.capabilities.pwm).toEqual([{ name: 'fan', pin: 18, freq: 5000, bits: 10 }]);
    const svg = readFileSync(join(out, 'pinout.svg'), 'utf8');
    for (const pin of [2, 18, 4, 34]) expect(svg).toContain(`data-gpio="${pin}" data-role=`);
    expect(r.out).toContain(`wrote ${join(out, 'pinout.svg')}`);
  });

  it('refuses an invalid config and writes nothing', async () => {
    const out = join(dir, 'gen');
    const r = await run(
      'generate',
      file('bad.json', { ...starter, pwm: [{ name: 'fan', pin: 34 }] }),
      '--out',
      out,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain('pwm.no-pwm-pin');
    expect(r.err).toContain('not generating');
    expect(() => readFileSync(join(out, 'device_config.h'))).toThrow();
  });

  it('needs --out', async () => {
    expect((await run('generate', file('ok.json', starter))).code).toBe(2);
  });
});

describe('init', () => {
  it('writes a valid starter for the chosen board (YAML by default, JSON for .json)', async () => {
    const yamlPath = join(dir, 'device.yaml');
    expect((await run('init', '--board', 'esp32-c3-devkitm-1', '--out', yamlPath)).code).toBe(0);
    const fromYaml = parse(readFileSync(yamlPath, 'utf8'));
    expect(fromYaml).toEqual(starterConfig('esp32-c3-devkitm-1'));
    expect((await run('validate', yamlPath)).code).toBe(0);
    const jsonPath = join(dir, 'device.json');
    expect((await run('init', '--out', jsonPath)).code).toBe(0);
    expect(JSON.parse(readFileSync(jsonPath, 'utf8'))).toEqual(starter);
  });

  it('does not overwrite without --force, and rejects unknown boards', async () => {
    const p = file('exists.yaml', 'keep me');
    const r = await run('init', '--out', p);
    expect(r.code).toBe(1);
    expect(r.err).toContain('already exists; pass --force');
    expect(readFileSync(p, 'utf8')).toBe('keep me');
    expect((await run('init', '--out', p, '--force')).code).toBe(0);
    const bad = await run('init', '--board', 'uno');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('esp32-doit-devkit-v1');
  });

  it('prints to stdout without --out', async () => {
    const r = await run('init', '--board', 'esp32-devkitc');
    expect(parse(r.out)).toEqual(starterConfig('esp32-devkitc'));
  });
});
