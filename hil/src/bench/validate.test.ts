import { readFile, realpath, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HilError } from '../errors';
import { useTempDirs } from '../testing/temp-dirs';
import { loadBench } from './load';
import { formatIssues, resolveBench } from './validate';

const tempDir = useTempDirs();

const HW = {
  name: 'desk',
  kind: 'hardware',
  dut: { port: { vendorId: '10C4', productId: 'ea60' } },
  probe: { port: '/dev/ttyACM0', board: 'arduino-zero' },
  wiring: { wires: [{ kind: 'digital', name: 'status LED', dutPin: 2, probePin: 2 }] },
  device: { version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'status', pin: 2 }] },
};

describe('resolveBench', () => {
  it('applies defaults and normalises USB ids', () => {
    const { bench, issues } = resolveBench(HW);
    expect(issues).toEqual([]);
    expect(bench?.dut).toEqual({
      port: { vendorId: '10c4', productId: 'ea60' },
      baud: 115200,
      reset: 'esptool',
      url: 'discover',
      token: null,
      protocol: 'esphil',
      adapter: null,
      ready: null,
    });
    expect(bench?.probe.baud).toBe(57600);
    expect(bench?.timeouts.readyMs).toBe(15_000);
    expect(bench?.wiring?.dutVcc).toBe(3.3);
  });

  it('reports every problem with its path and a fix, and returns no bench', () => {
    const { bench, issues } = resolveBench({
      kind: 'hardware',
      dut: { port: '', baud: -1, reset: 'magic', url: 'http://x' },
      probe: { port: { vendorId: 'zz' }, board: 'arduino-mega' },
      wiring: {
        wires: [
          { kind: 'rc', name: 'fan', dutPin: 18, probeAnalog: 0, r: 0 },
          { kind: 'digital', name: 'fan', dutPin: 99999, probePin: 1 },
        ],
      },
      timeouts: { readyMs: 'soon' },
      extra: 1,
    });
    expect(bench).toBeUndefined();
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'dut.port',
        'dut.baud',
        'dut.reset',
        'dut.url',
        'probe.port.vendorId',
        'probe.board',
        'wiring.wires[0].r',
        'wiring.wires[0].c',
        'wiring.wires[1].name',
        'wiring.wires[1].dutPin',
        'timeouts.readyMs',
        'extra',
        'device',
      ]),
    );
    for (const i of issues) expect(i.hint.length).toBeGreaterThan(5);
    expect(formatIssues(issues, 'b.json')).toMatch(/^bench file b\.json is invalid:\n {2}\S+: .+ -> .+/);
  });

  it('the DUT and the probe on one serial port is a bench-file error naming both fields', async () => {
    const same = resolveBench({
      ...HW,
      dut: { port: '/dev/ttyUSB0' },
      probe: { ...HW.probe, port: '/dev/ttyUSB0' },
    });
    expect(same.bench).toBeUndefined();
    expect(same.issues).toEqual([
      {
        path: 'probe.port',
        message: 'dut.port and probe.port are the same serial port: "/dev/ttyUSB0"',
        hint: expect.stringMatching(/own USB serial port/),
      },
    ]);
    // A by-id symlink and its target are one port too.
    const d = await tempDir('bench-ports-');
    const target = join(d, 'ttyUSB0');
    const link = join(d, 'usb-Silicon_Labs_CP2102-if00-port0');
    await writeFile(target, '');
    await symlink(target, link);
    const linked = resolveBench({
      ...HW,
      dut: { port: { path: link } },
      probe: { ...HW.probe, port: target },
    });
    expect(linked.issues.map((i) => i.path)).toEqual(['probe.port']);
    expect(linked.issues[0]?.message).toContain(`"${link}" and "${target}" (both ${await realpath(target)})`);
    // Different ports, or ports matched by USB ids, are fine.
    expect(resolveBench({ ...HW, dut: { port: '/dev/ttyUSB0' } }).issues).toEqual([]);
    expect(resolveBench(HW).issues).toEqual([]);
  });

  it('validates an inline device config through device-model and prefixes its paths', () => {
    const { issues } = resolveBench({
      ...HW,
      device: { version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'status', pin: 6 }] },
    });
    expect(issues.some((i) => i.path.startsWith('device.leds[0]'))).toBe(true);
  });

  it('a sim bench needs no wiring or device config', () => {
    const { bench, issues } = resolveBench({
      kind: 'sim',
      dut: { port: '/sim/dut' },
      probe: { port: '/sim/probe', board: 'arduino-zero' },
    });
    expect(issues).toEqual([]);
    expect(bench?.dut.reset).toBe('sim');
    expect(bench?.wiring).toBeNull();
  });
});

describe('resolveBench: the sim section', () => {
  const SIM = {
    kind: 'sim',
    dut: { port: '/sim/dut' },
    probe: { port: '/sim/probe', board: 'arduino-zero' },
  };

  it('defaults to the TypeScript backend and resolves a native executable against the bench directory', () => {
    expect(resolveBench(SIM).bench?.sim).toMatchObject({ backend: 'ts', executable: null });
    const { bench, issues } = resolveBench(
      { ...SIM, sim: { backend: 'native', executable: '../fw/esphil-native' } },
      { dir: '/benches/lab' },
    );
    expect(issues).toEqual([]);
    expect(bench?.sim).toMatchObject({ backend: 'native', executable: '/benches/fw/esphil-native' });
  });

  it('rejects an unknown backend, a misspelt key and an executable without the native backend', () => {
    const paths = (sim: unknown) => resolveBench({ ...SIM, sim }).issues.map((i) => i.path);
    expect(paths({ backend: 'rust' })).toEqual(['sim.backend']);
    expect(paths({ backnd: 'native' })).toEqual(['sim.backnd']);
    expect(paths({ executable: './esphil-native' })).toEqual(['sim.executable']);
  });

  it('sim.body: a whole device body (ts or native), exclusive with backend, the executable for the native one', () => {
    expect(resolveBench(SIM).bench?.sim.body).toBeNull();
    const native = resolveBench(
      { ...SIM, sim: { body: 'native', executable: '../fw/esphil-native' } },
      { dir: '/benches/lab' },
    );
    expect(native.issues).toEqual([]);
    expect(native.bench?.sim).toMatchObject({ body: 'native', executable: '/benches/fw/esphil-native' });
    expect(resolveBench({ ...SIM, sim: { body: 'ts' } }).bench?.sim.body).toBe('ts');
    const paths = (sim: unknown) => resolveBench({ ...SIM, sim }).issues.map((i) => i.path);
    expect(paths({ body: 'rust' })).toEqual(['sim.body']);
    expect(paths({ body: 'native', backend: 'native' })).toEqual(['sim.body']);
    expect(paths({ body: 'ts', executable: './esphil-native' })).toEqual(['sim.executable']);
  });

  it('sim.probe: a boot mode or an AVR image (hex resolved against the bench directory), nothing else', () => {
    expect(resolveBench(SIM).bench?.sim.probe).toEqual({ boot: null, avr: null });
    const avr = resolveBench(
      { ...SIM, sim: { probe: { avr: { hex: 'fw/firmata.hex' } } } },
      { dir: '/benches' },
    );
    expect(avr.issues).toEqual([]);
    expect(avr.bench?.sim.probe).toEqual({ boot: null, avr: { hex: '/benches/fw/firmata.hex' } });
    expect(resolveBench({ ...SIM, sim: { probe: { avr: {} } } }).bench?.sim.probe.avr).toEqual({ hex: null });
    expect(resolveBench({ ...SIM, sim: { probe: { boot: 'firmata' } } }).bench?.sim.probe.boot).toBe(
      'firmata',
    );
    const paths = (probe: unknown) => resolveBench({ ...SIM, sim: { probe } }).issues.map((i) => i.path);
    expect(paths('avr')).toEqual(['sim.probe']);
    expect(paths({ boot: 'slow' })).toEqual(['sim.probe.boot']);
    expect(paths({ avr: { hex: 3 } })).toEqual(['sim.probe.avr.hex']);
    expect(paths({ avr: { file: 'x.hex' } })).toEqual(['sim.probe.avr']);
    expect(paths({ avr: {}, boot: 'instant' })).toEqual(['sim.probe.boot']);
    expect(paths({ emulate: true })).toEqual(['sim.probe.emulate']);
  });
});

describe('loadBench', () => {
  it('reads YAML and a device config referenced by path', async () => {
    const dir = await tempDir('bench-');
    await writeFile(join(dir, 'device.json'), JSON.stringify(HW.device));
    await writeFile(
      join(dir, 'b.yaml'),
      'kind: hardware\ndut: { port: /dev/ttyUSB0 }\nprobe: { port: /dev/ttyACM0, board: arduino-uno, vref: 5 }\nwiring:\n  wires:\n    - { kind: digital, name: led, dutPin: 2, probePin: 8 }\ndevice: ./device.json\n',
    );
    const b = await loadBench(join(dir, 'b.yaml'));
    expect(b.device?.leds?.[0]?.pin).toBe(2);
    expect(b.probe).toMatchObject({ board: 'arduino-uno', vref: 5 });
    expect(b.dir).toBe(dir);
  });

  it('malformed JSON, a missing file and an oversize file are bench errors that say what to fix', async () => {
    const dir = await tempDir('bench-');
    await writeFile(join(dir, 'bad.json'), '{ "dut": ');
    await writeFile(join(dir, 'big.json'), `{"name":"${'x'.repeat(300 * 1024)}"}`);
    const err = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => e as HilError,
      );
    const bad = await err(loadBench(join(dir, 'bad.json')));
    expect(bad).toBeInstanceOf(HilError);
    expect(bad).toMatchObject({ code: 'bench_invalid' });
    expect(bad?.message).toMatch(/not valid JSON/);
    expect(await err(loadBench(join(dir, 'nope.json')))).toMatchObject({ code: 'bench_not_found' });
    expect(await err(loadBench(join(dir, 'big.json')))).toMatchObject({ code: 'bench_invalid' });
  });

  it('the shipped bench files are valid', async () => {
    for (const f of ['sim.json', 'sim-pty.json', 'devkit-v1.example.json']) {
      const b = await loadBench(new URL(`../../benches/${f}`, import.meta.url).pathname);
      expect(b.name.length).toBeGreaterThan(0);
    }
  });

  it('the example bench flashes the PlatformIO build of the reference firmware (an env platformio.ini has)', async () => {
    const b = await loadBench(new URL('../../benches/devkit-v1.example.json', import.meta.url).pathname);
    const firmwareDir = new URL('../../../apps/firmware/', import.meta.url).pathname;
    const source = b.firmware?.source;
    if (source?.kind !== 'platformio') throw new Error(`expected a platformio source, got ${source?.kind}`);
    // PlatformIO writes .pio/build/<env>/{bootloader,partitions,firmware}.bin in the project folder (apps/firmware).
    expect(resolve(b.dir, source.dir)).toBe(join(firmwareDir, '.pio/build'));
    const ini = await readFile(join(firmwareDir, 'platformio.ini'), 'utf8');
    expect(ini).toContain(`[env:${source.env}]`);
  });
});

describe('the firmware section', () => {
  const SIM = {
    kind: 'sim',
    dut: { port: '/sim/dut' },
    probe: { port: '/sim/probe', board: 'arduino-zero' },
  };
  const issuesOf = (bench: object) =>
    resolveBench(bench).issues.map((i) => `${i.path}: ${i.message} -> ${i.hint}`);

  it('takes exactly one source, paths as written (resolved against the bench file when flashing)', () => {
    const { bench } = resolveBench({
      ...HW,
      firmware: { images: [{ offset: '0x10000', file: 'build/app.bin' }] },
    });
    expect(bench?.firmware).toEqual({
      source: { kind: 'images', images: [{ offset: 0x10000, file: 'build/app.bin' }] },
      expect: null,
    });
    const pio = resolveBench({ ...HW, firmware: { platformio: { env: 'esp32dev-core3' } } }).bench?.firmware;
    expect(pio?.source).toEqual({ kind: 'platformio', dir: '.pio/build', env: 'esp32dev-core3' });
    expect(
      issuesOf({ ...HW, firmware: { images: [{ role: 'app', file: 'a.bin' }], command: ['x'] } }),
    ).toEqual([expect.stringMatching(/^firmware: firmware needs exactly one of platformio, .* \(got 2\)/)]);
    expect(issuesOf({ ...HW, firmware: { images: [{ offset: '0x10001', file: 'a.bin' }] } })[0]).toMatch(
      /not a 4 KB-aligned flash address/,
    );
  });

  it('an expected identity alone (no flashing), or next to a source', () => {
    const sha = 'AB'.repeat(32);
    expect(
      resolveBench({ ...HW, firmware: { expect: { elfSha256: sha, fw: 'v1' } } }).bench?.firmware,
    ).toEqual({
      source: null,
      expect: { elfSha256: sha.toLowerCase(), fw: 'v1' },
    });
    expect(
      resolveBench({ ...SIM, firmware: { generated: true, expect: { fw: '0.1.0-hil' } } }).bench?.firmware,
    ).toEqual({
      source: { kind: 'generated', projectName: 'esphil-firmware', version: '0.1.0-hil' },
      expect: { fw: '0.1.0-hil' },
    });
    expect(issuesOf({ ...HW, firmware: { expect: { elfSha256: 'abc' } } })[0]).toMatch(/64 hex digits/);
    expect(issuesOf({ ...HW, firmware: {} })[0]).toMatch(/no image source and no expected identity/);
  });

  it('the old image + flash argv is refused with the section to write instead', () => {
    const pio = issuesOf({
      ...HW,
      firmware: { image: '../fw/.pio/build/esp32dev-core3/firmware.bin', flash: ['true'] },
    });
    expect(pio).toHaveLength(1);
    expect(pio[0]).toMatch(/firmware\.image \/ firmware\.flash are no longer read/);
    expect(pio[0]).toContain('"platformio": { "dir": "../fw/.pio/build", "env": "esp32dev-core3" }');
    expect(issuesOf({ ...HW, firmware: { image: 'out/app.bin', flash: ['esptool'] } })[0]).toContain(
      '"images": [{ "offset": "0x10000", "file": "out/app.bin" }]',
    );
  });

  it('generated images need the sim; a command needs a real (or pty) port', () => {
    expect(issuesOf({ ...HW, firmware: { generated: true } })[0]).toMatch(
      /^firmware\.generated: .*simulated benches/,
    );
    expect(issuesOf({ ...SIM, firmware: { command: ['pio', 'run'] } })[0]).toMatch(/^firmware\.command: /);
    expect(issuesOf({ ...SIM, kind: 'sim-pty', firmware: { command: ['pio', 'run'] } })).toEqual([]);
    expect(issuesOf({ ...SIM, firmware: { generated: { version: 'x'.repeat(32) } } })[0]).toMatch(
      /1-31 printable/,
    );
  });
});
