import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialConsole } from '@esphil/serial';
import { describe, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import { HilError } from '../errors';
import { BoundedLog } from '../session/log';
import { useTempDirs } from '../testing/temp-dirs';
import { esphilAdapter } from './esphil';
import { openDutLink } from './link';
import { adapterForBench, adapterProblems, capabilitiesOf, ioProblems } from './load';
import { tutorialAdapter, tutorialUrl } from './tutorial';
import type { DutIo } from './types';

const tempDir = useTempDirs();
const SIM = { kind: 'sim', dut: { port: '/sim/dut' }, probe: { port: '/sim/probe', board: 'arduino-zero' } };
const bench = (dut: object, extra: object = {}) => {
  const r = resolveBench({ ...SIM, dut: { port: '/sim/dut', ...dut }, ...extra }, { dir: '/b' });
  if (!r.bench) throw new Error(JSON.stringify(r.issues));
  return r.bench;
};

describe('DUT adapters', () => {
  it('the built-in adapters are well-formed; a malformed one gets every problem named', () => {
    expect(adapterProblems(esphilAdapter)).toEqual([]);
    expect(adapterProblems(tutorialAdapter)).toEqual([]);
    expect(adapterProblems(null)).toEqual([expect.stringMatching(/not an object/)]);
    expect(
      adapterProblems({ name: '', capabilities: ['esphil', 'warp'], ready: { pattern: 1 }, connect: 1 }),
    ).toEqual([
      '"name" must be a non-empty string',
      '"connect" must be a function (opts) => Promise<DutIo>',
      expect.stringMatching(/^unknown capabilities "warp" \(known: esphil, led\.set, /),
      '"esphil" is the built-in adapter\'s: drop dut.adapter to use it',
      '"ready" must be { pattern: RegExp | string, url?(match, lines) } or "esphil"',
    ]);
  });

  it('an io must have the methods its declared capabilities need', () => {
    const io = { ledSet: async () => {}, close: async () => {} };
    expect(ioProblems(io, new Set(['led.set']))).toEqual([]);
    expect(ioProblems(io, new Set(['led.set', 'pwm', 'state']))).toEqual([
      'the io has no pwmSet() but the adapter declares what needs it',
      'the io has no readState() but the adapter declares what needs it',
    ]);
  });

  it('esphil can do auth only with the token the firmware was built with', () => {
    expect(capabilitiesOf(esphilAdapter, bench({})).has('auth')).toBe(false);
    expect(capabilitiesOf(esphilAdapter, bench({ token: 't0k3n' })).has('auth')).toBe(true);
    expect([...capabilitiesOf(tutorialAdapter, bench({ protocol: 'tutorial' }))]).toEqual([
      'led.set',
      'legacy-text',
      'broadcast',
    ]);
  });

  it("dut.ready replaces the adapter's pattern and keeps its URL rule", async () => {
    const a = await adapterForBench(bench({ protocol: 'tutorial', ready: 'Listening on (?<port>\\d+)' }));
    expect(a.ready).toMatchObject({ pattern: 'Listening on (?<port>\\d+)', url: tutorialUrl });
    expect(await adapterForBench(bench({}))).toBe(esphilAdapter);
  });

  it('a module that fails to load is adapter_invalid naming the file', async () => {
    const dir = await tempDir('hil-adapter-load-');
    const file = join(dir, 'boom.mjs');
    await writeFile(file, "throw new Error('boom at import');\n");
    const err = await adapterForBench(bench({ adapter: file }, { sim: { firmware: 'tutorial' } })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HilError);
    expect((err as HilError).code).toBe('adapter_invalid');
    expect((err as HilError).message).toBe(`the DUT adapter module ${file} did not load: boom at import`);
  });

  it("the tutorial URL comes from the last IP line and the ready line's port (81 when it has none)", () => {
    const m = (line: string, re: RegExp) => re.exec(line)!;
    const ready = /started on port (?<port>\d+)/;
    expect(
      tutorialUrl(m('started on port 8081', ready), ['IP address: 10.0.0.1', 'IP address: 10.0.0.9']),
    ).toBe('ws://10.0.0.9:8081/');
    expect(tutorialUrl(m('up', /up/), ['IP address: fe80::1'])).toBe('ws://[fe80::1]:81/');
    expect(tutorialUrl(m('up', /up/), ['Connecting to WiFi...'])).toBeNull();
    // A dut.ready pattern's named groups win: url as it is, else ip / port.
    expect(tutorialUrl(m('at ws://h:1/x', /at (?<url>\S+)/), [])).toBe('ws://h:1/x');
    expect(tutorialUrl(m('on 10.1.1.1:90', /on (?<ip>[\d.]+):(?<port>\d+)/), [])).toBe('ws://10.1.1.1:90/');
  });
});

describe('reboots of a pattern-ready DUT', () => {
  it('counts a ROM reset line and the ready line after it as one reboot, a bare ready line as one', async () => {
    let push: (b: Uint8Array) => void = () => {};
    const console = new SerialConsole({
      path: '/fake',
      isOpen: true,
      on(event: string, l: (b: Uint8Array) => void) {
        if (event === 'data') push = l;
        return () => {};
      },
      write: async () => {},
    } as unknown as ConstructorParameters<typeof SerialConsole>[0]);
    const reboots: string[] = [];
    const io: DutIo = { ledSet: async () => {}, close: async () => {} };
    const link = openDutLink({
      bench: bench({ protocol: 'tutorial' }),
      adapter: tutorialAdapter,
      io,
      console,
      transcript: new BoundedLog(),
      config: {} as never,
      url: 'ws://127.0.0.1:81/',
      onReboot: (line) => reboots.push(line),
    });
    const say = (text: string) => push(new TextEncoder().encode(`${text}\r\n`));
    say('rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)');
    say('IP address: 127.0.0.1');
    say('WebSocket server started on port 81');
    say('[0] Connected!');
    say('WebSocket server started on port 81');
    expect(reboots).toEqual([
      'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
      'WebSocket server started on port 81',
    ]);
    await link.close();
    say('WebSocket server started on port 81');
    expect(reboots).toHaveLength(2);
    expect(link.io).toBe(io);
  });
});
