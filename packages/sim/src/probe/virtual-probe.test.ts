import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVirtualBinding, type VirtualPortBinding } from '../binding/virtual-binding';
import { FakeProbeIO } from '../testing/fake-probe-io';
import { hostReader } from '../testing/host-reader';
import { ManualClock } from './clock';
import { type FirmataHostMessage, FirmataParser } from './firmata-parser';
import type { ProbeDrive } from './probe-io';
import { VirtualProbe } from './virtual-probe';

/** Unit-level stand-in for the wiring: settable inputs, recorded outputs. */
class TestIO extends FakeProbeIO {
  drives: Array<[number, ProbeDrive]> = [];
  setProbeOutput(pin: number, drive: ProbeDrive) {
    this.drives.push([pin, drive]);
  }
}

const name7 = (s: string) => [...Buffer.from(s)].flatMap((b) => [b & 0x7f, b >> 7]);

async function setup(opts: { board?: 'arduino-uno' | 'arduino-zero' } = {}) {
  const clock = new ManualClock();
  const io = new TestIO();
  const probe = new VirtualProbe({ clock, io, board: opts.board, boot: 'instant' });
  const binding = createVirtualBinding();
  binding.attach('/sim/probe', probe);
  const port = await binding.open({ path: '/sim/probe', baudRate: 57600 });
  const reader = hostReader(port);
  return { clock, io, probe, port, sent: reader.take };
}

function host(port: VirtualPortBinding, bytes: number[]) {
  return port.write(Buffer.from(bytes));
}

describe('VirtualProbe (StandardFirmata 2.5)', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    ctx = await setup();
  });

  const sent = () => ctx.sent();

  it('announces REPORT_VERSION and the firmware report on its own at open', async () => {
    const bytes = await ctx.sent();
    expect(bytes).toEqual([0xf9, 2, 5, 0xf0, 0x79, 2, 5, ...name7('StandardFirmata.ino'), 0xf7]);
  });

  it('answers version, firmware, capability and analog-mapping queries from the profile', async () => {
    const bytes = await collectAfter(ctx, [0xf9, 0xf0, 0x79, 0xf7, 0xf0, 0x6b, 0xf7, 0xf0, 0x69, 0xf7]);
    const msgs = splitSysex(bytes);
    expect(msgs[0]).toEqual([0xf9, 2, 5]);
    expect(msgs[1]?.slice(0, 4)).toEqual([0xf0, 0x79, 2, 5]);
    const caps = msgs[2]!;
    expect(caps.slice(0, 2)).toEqual([0xf0, 0x6c]);
    const perPin = caps
      .slice(2, -1)
      .join(',')
      .split('127')
      .map((s) => s.split(',').filter(Boolean).map(Number));
    expect(perPin.length - 1).toBe(20); // Uno: pins 0-19, trailing empty after the last 7F
    expect(perPin[0]).toEqual([]); // RX: no modes
    // StandardFirmata 2.5.9 order: INPUT, PULLUP, OUTPUT, ANALOG, PWM, SERVO (every digital pin), I2C.
    expect(perPin[2]).toEqual([0, 1, 0x0b, 1, 1, 1, 4, 14]);
    expect(perPin[3]).toEqual([0, 1, 0x0b, 1, 1, 1, 3, 8, 4, 14]); // digital + PWM
    expect(perPin[14]).toEqual([0, 1, 0x0b, 1, 1, 1, 2, 10, 4, 14]); // A0: digital + 10-bit analog
    expect(perPin[18]).toEqual([0, 1, 0x0b, 1, 1, 1, 2, 10, 4, 14, 6, 1]); // A4 = SDA
    expect(perPin[19]).toEqual([0, 1, 0x0b, 1, 1, 1, 2, 10, 4, 14, 6, 1]); // A5 = SCL
    const mapping = msgs[3]!;
    expect(mapping.slice(2, -1)).toEqual([...Array(14).fill(0x7f), 0, 1, 2, 3, 4, 5]);
  });

  it('reports an analog channel at once when enabled, then every sampling interval', async () => {
    ctx.io.analog.set(0, 612);
    await sent();
    await host(ctx.port, [0xc0, 1]);
    expect(decodeAnalog(await sent())).toEqual([[0, 612]]);
    ctx.clock.advance(19 * 3);
    expect(decodeAnalog(await sent())).toEqual([
      [0, 612],
      [0, 612],
      [0, 612],
    ]);
    // F0 7A 100ms: next report only after 100 ms
    await host(ctx.port, [0xf0, 0x7a, 100, 0, 0xf7]);
    expect(ctx.probe.samplingInterval).toBe(100);
    ctx.clock.advance(99);
    expect(await sent()).toEqual([]);
    ctx.clock.advance(1);
    expect(decodeAnalog(await sent())).toEqual([[0, 612]]);
    await host(ctx.port, [0xc0, 0]);
    ctx.clock.advance(1000);
    expect(await sent()).toEqual([]);
    expect(ctx.clock.pending).toBe(0);
  });

  it('reports a digital port when enabled and then only on change, for INPUT pins only', async () => {
    await sent();
    await host(ctx.port, [0xf4, 8, 0]); // pin 8 INPUT
    await host(ctx.port, [0xd1, 1]); // report port 1
    expect(await sent()).toEqual([0x91, 0, 0]);
    ctx.io.setDigital(8, 1);
    expect(await sent()).toEqual([]); // not before the next loop() pass
    ctx.clock.advance(1);
    expect(await sent()).toEqual([0x91, 1, 0]);
    ctx.io.setDigital(8, 1);
    ctx.clock.advance(100);
    expect(await sent()).toEqual([]);
    ctx.io.setDigital(9, 1); // pin 9 is an OUTPUT: not reported
    ctx.clock.advance(1);
    expect(await sent()).toEqual([]);
    ctx.io.setDigital(8, 0);
    ctx.clock.advance(1);
    expect(await sent()).toEqual([0x91, 0, 0]);
  });

  it('PULLUP inputs read high when nothing drives them', async () => {
    await sent();
    await host(ctx.port, [0xf4, 2, 0x0b, 0xd0, 1]);
    expect(await sent()).toEqual([0x90, 0b100, 0]);
    expect(ctx.io.drives.at(-1)).toEqual([2, { highZ: true, pullup: true }]);
  });

  it('drives outputs from port writes, F5 and PWM analog writes', async () => {
    await host(ctx.port, [0xf4, 7, 1, 0x90, 0x00, 0x01]); // pin 7 = bit 7 -> msb bit 0
    expect(ctx.io.drives.at(-1)).toEqual([7, { level: 1 }]);
    await host(ctx.port, [0xf5, 7, 0]);
    expect(ctx.io.drives.at(-1)).toEqual([7, { level: 0 }]);
    await host(ctx.port, [0xf4, 9, 3, 0xe9, 0x7f, 0x00]); // pin 9 PWM, duty 127
    expect(ctx.io.drives.at(-1)).toEqual([9, { pwm: 127 / 255 }]);
    await host(ctx.port, [0xe9, 0x7f, 0x01]); // 255: full on
    expect(ctx.io.drives.at(-1)).toEqual([9, { pwm: 1 }]);
    expect(ctx.probe.pin(9)).toEqual({ mode: 3, state: 255 });
    // PWM on a pin without PWM: the mode does not change, nothing is driven
    const before = ctx.io.drives.length;
    await host(ctx.port, [0xf4, 2, 3, 0xe2, 0x10, 0]);
    expect(ctx.io.drives.length).toBe(before);
    expect(ctx.probe.pin(2)?.mode).toBe(1);
  });

  it('answers pin state queries and says so on an unknown pin mode', async () => {
    await host(ctx.port, [0xf4, 9, 3, 0xe9, 0x7f, 0x01]);
    await sent();
    await host(ctx.port, [0xf0, 0x6d, 9, 0xf7, 0xf4, 5, 0x55]);
    const msgs = splitSysex(await sent());
    expect(msgs[0]).toEqual([0xf0, 0x6e, 9, 3, 0x7f, 0x01, 0xf7]);
    expect(msgs[1]).toEqual([0xf0, 0x71, ...name7('Unknown pin mode'), 0xf7]);
  });

  it('SYSTEM_RESET stops reporting and restores default pin modes', async () => {
    await host(ctx.port, [0xc0, 1, 0xf4, 8, 0, 0xd1, 1, 0xf0, 0x7a, 50, 0, 0xf7]);
    await sent();
    await host(ctx.port, [0xff]);
    ctx.clock.advance(500);
    expect(await sent()).toEqual([]);
    expect(ctx.probe.pin(8)?.mode).toBe(1);
    expect(ctx.probe.pin(14)?.mode).toBe(2);
    expect(ctx.clock.pending).toBe(0);
  });

  it('an Arduino Zero profile reports 3.3 V board pins and its own PWM set', async () => {
    const zero = await setup({ board: 'arduino-zero' });
    expect(zero.probe.profile.vcc).toBe(3.3);
    await host(zero.port, [0xf4, 4, 3, 0xe4, 0x40, 0]);
    expect(zero.io.drives.at(-1)).toEqual([4, { pwm: 64 / 255 }]);
  });

  it('reboots on a DTR assert edge like an Uno auto-reset, forgetting pin modes and reporting', async () => {
    await host(ctx.port, [0xf4, 8, 0, 0xd1, 1]);
    await sent();
    await ctx.port.set({ dtr: false, rts: false });
    expect(ctx.probe.stats.boots).toBe(1);
    await ctx.port.set({ dtr: true, rts: true });
    expect(ctx.probe.stats.boots).toBe(2);
    const bytes = await sent();
    expect(bytes.slice(0, 3)).toEqual([0xf9, 2, 5]);
    expect(ctx.probe.pin(8)?.mode).toBe(1);
    ctx.io.setDigital(8, 1);
    expect(await sent()).toEqual([]);
  });

  it('without resetOnOpen a reopened probe keeps its pin state but still announces itself', async () => {
    const clock = new ManualClock();
    const probe = new VirtualProbe({ clock, resetOnOpen: false, boot: 'instant' });
    const binding = createVirtualBinding();
    binding.attach('/p', probe);
    const first = await binding.open({ path: '/p', baudRate: 57600 });
    await first.write(Buffer.from([0xf4, 8, 0]));
    await first.close();
    const second = await binding.open({ path: '/p', baudRate: 57600 });
    const reader = hostReader(second);
    expect((await reader.take()).slice(0, 3)).toEqual([0xf9, 2, 5]);
    expect(probe.pin(8)?.mode).toBe(0);
    expect(probe.stats.boots).toBe(1);
  });

  it('waits for bootDelayMs before announcing and answers host bytes queued while booting afterwards', async () => {
    const clock = new ManualClock();
    const probe = new VirtualProbe({ clock, bootDelayMs: 500, boot: 'instant' });
    const binding = createVirtualBinding();
    binding.attach('/p', probe);
    const port = await binding.open({ path: '/p', baudRate: 57600 });
    const reader = hostReader(port);
    await port.write(Buffer.from([0xf9]));
    expect(probe.stats.ignoredWhileBooting).toBe(0);
    expect(await reader.take()).toEqual([]);
    clock.advance(500);
    const bytes = await reader.take();
    expect(bytes.slice(0, 3)).toEqual([0xf9, 2, 5]);
    // The queued version query is answered after setup(): the announcement twice, as the real board does.
    expect(bytes.slice(-3)).toEqual([0xf9, 2, 5]);
    expect(probe.stats.versionQueries).toBe(1);
  });

  async function collectAfter(c: typeof ctx, bytes: number[]) {
    await sent();
    await host(c.port, bytes);
    return sent();
  }
});

function splitSysex(bytes: number[]): number[][] {
  const out: number[][] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0xf0) {
      const end = bytes.indexOf(0xf7, i);
      out.push(bytes.slice(i, end + 1));
      i = end + 1;
    } else {
      out.push(bytes.slice(i, i + 3));
      i += 3;
    }
  }
  return out;
}

function decodeAnalog(bytes: number[]): Array<[number, number]> {
  return splitSysex(bytes).map((m) => {
    expect((m[0] ?? 0) & 0xf0).toBe(0xe0);
    return [(m[0] ?? 0) & 0x0f, (m[1] ?? 0) | ((m[2] ?? 0) << 7)];
  });
}

describe('VirtualProbe on the default clock under vi fake timers', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('samples analog channels every 19 ms of fake time', async () => {
    vi.useFakeTimers();
    const io = new TestIO();
    io.analog.set(2, 321);
    const probe = new VirtualProbe({ io, boot: 'instant' });
    const binding = createVirtualBinding();
    binding.attach('/p', probe);
    const port = await binding.open({ path: '/p', baudRate: 57600 });
    await port.write(Buffer.from([0xc2, 1]));
    const before = probe.stats.analogReports;
    vi.advanceTimersByTime(19 * 5);
    expect(probe.stats.analogReports - before).toBe(5);
    await port.close();
    vi.advanceTimersByTime(1000);
    expect(probe.stats.analogReports - before).toBe(5);
  });
});

describe('FirmataParser', () => {
  it('decodes every StandardFirmata host command', () => {
    const out: FirmataHostMessage[] = [];
    new FirmataParser().feed(
      [
        0x92, 0x05, 0x01, 0xe3, 0x7f, 0x01, 0xc2, 1, 0xd1, 0, 0xf4, 13, 1, 0xf5, 13, 1, 0xf9, 0xff, 0xf0,
        0x7a, 19, 0, 0xf7,
      ],
      (m) => out.push(m),
    );
    expect(out).toEqual([
      { type: 'digital-port', port: 2, value: 0x85 },
      { type: 'analog-write', pin: 3, value: 255 },
      { type: 'report-analog', channel: 2, enable: true },
      { type: 'report-digital', port: 1, enable: false },
      { type: 'set-pin-mode', pin: 13, mode: 1 },
      { type: 'set-pin-value', pin: 13, value: 1 },
      { type: 'report-version' },
      { type: 'system-reset' },
      { type: 'sysex', command: 0x7a, data: [19, 0] },
    ]);
  });

  it('counts stray data, truncated commands and oversize sysex instead of failing', () => {
    const parser = new FirmataParser({ maxSysexBytes: 4 });
    const out: FirmataHostMessage[] = [];
    parser.feed([0x10, 0x20, 0x90, 0x01, 0xf9, 0xf0, 1, 2, 3, 4, 5, 6, 0xf7, 0xf0, 0xf7, 0xf1], (m) =>
      out.push(m),
    );
    expect(out).toEqual([{ type: 'report-version' }, { type: 'sysex', command: 1, data: [2, 3, 4] }]);
    expect(parser.stats).toEqual({
      strayDataBytes: 2,
      truncatedCommands: 1,
      unknownCommands: 1,
      droppedSysexBytes: 2,
      emptySysex: 1,
    });
  });

  it('never throws on random bytes and only emits well-formed messages', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 400 }), (bytes) => {
        const parser = new FirmataParser();
        parser.feed(bytes, (m) => {
          if (m.type === 'sysex') expect(m.data.length).toBeLessThanOrEqual(63);
          if ('pin' in m) expect(m.pin).toBeLessThan(128);
          if ('value' in m) expect(m.value).toBeLessThan(1 << 14);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('the board survives random host bytes and still answers a version query', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 }), async (bytes) => {
        const c = await setup();
        c.io.analog.set(0, 100);
        // F7 ends any sysex the garbage left open; F9 must then be answered last.
        await c.port.write(Buffer.from([...bytes, 0xf7, 0xf9]));
        const out = await c.sent();
        expect(out.slice(-3)).toEqual([0xf9, 2, 5]);
      }),
      { numRuns: 200 },
    );
  });
});
