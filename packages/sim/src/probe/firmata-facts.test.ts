import { describe, expect, it } from 'vitest';
import { createVirtualBinding, type VirtualPortBinding } from '../binding/virtual-binding';
import { FakeProbeIO } from '../testing/fake-probe-io';
import { hostReader } from '../testing/host-reader';
import { firmataBootSchedule } from './boot';
import { ManualClock } from './clock';
import type { ProbeDrive } from './probe-io';
import { type ProbeBootMode, VirtualProbe } from './virtual-probe';

// One test per row of shared/reference/firmata-facts.md ("Differences") that a HIL user can observe: the
// virtual probe must behave like the real StandardFirmata 2.5.9 on an ATmega328P.

/** Stand-in wiring that timestamps every drive, so pin waveforms can be checked against the clock. */
class RecordingIO extends FakeProbeIO {
  drives: Array<{ t: number; pin: number; drive: ProbeDrive }> = [];
  constructor(private readonly clock: ManualClock) {
    super();
  }
  setProbeOutput(pin: number, drive: ProbeDrive) {
    this.drives.push({ t: this.clock.now(), pin, drive });
  }
  lastDrive(pin: number): ProbeDrive | undefined {
    return this.drives.filter((d) => d.pin === pin).at(-1)?.drive;
  }
}

async function open(boot: ProbeBootMode) {
  const clock = new ManualClock();
  const io = new RecordingIO(clock);
  const probe = new VirtualProbe({ clock, io, board: 'arduino-uno', boot });
  const binding = createVirtualBinding();
  binding.attach('/p', probe);
  const port = await binding.open({ path: '/p', baudRate: 57600 });
  const { take } = hostReader(port);
  const send = async (bytes: number[]) => {
    await (port as VirtualPortBinding).write(Buffer.from(bytes));
    return take();
  };
  return { clock, io, probe, port, take, send };
}

const VERSION = [0xf9, 2, 5];
const text7 = (s: string) => [...Buffer.from(s)].flatMap((b) => [b & 0x7f, b >> 7]);
const stringData = (s: string) => [0xf0, 0x71, ...text7(s), 0xf7];

describe('boot (blinkVersion, then the announcement at 2,125 ms)', () => {
  it('the schedule of StandardFirmata 2.5: 7 pulses of 40 ms at the measured times', () => {
    expect(firmataBootSchedule({ major: 2, minor: 5 })).toEqual({
      pulses: [210, 460, 960, 1210, 1460, 1710, 1960],
      pulseMs: 40,
      announceMs: 2125,
    });
  });

  it('announces at 2,125 ms, pulses pin 13 seven times and keeps the other pins high-impedance until then', async () => {
    const b = await open('firmata');
    b.clock.advance(2124);
    expect(await b.take()).toEqual([]);
    expect(b.probe.isRunning).toBe(false);
    const pin13 = b.io.drives.filter((d) => d.pin === 13 && 'level' in d.drive);
    const rises = pin13.filter((d) => 'level' in d.drive && d.drive.level === 1).map((d) => d.t);
    const falls = pin13.filter((d) => 'level' in d.drive && d.drive.level === 0 && d.t > 0).map((d) => d.t);
    expect(rises).toEqual([210, 460, 960, 1210, 1460, 1710, 1960]);
    expect(falls).toEqual(rises.map((t) => t + 40));
    for (const pin of [2, 7, 12]) expect(b.io.lastDrive(pin)).toEqual({ highZ: true, pullup: false });
    b.clock.advance(1);
    expect((await b.take()).slice(0, 3)).toEqual(VERSION);
    for (const pin of [2, 7, 12, 13]) expect(b.io.lastDrive(pin)).toEqual({ level: 0 });
    expect(b.probe.pin(14)?.mode).toBe(2);
  });

  it('host bytes sent while booting wait in the RX buffer and are answered after setup (announcement twice)', async () => {
    const b = await open('firmata');
    b.clock.advance(200);
    await b.send([0xf9]); // firmata-io's version query after its reportVersionTimeout
    b.clock.advance(2000);
    const bytes = await b.take();
    expect(bytes.slice(0, 3)).toEqual(VERSION);
    expect(bytes.slice(-3)).toEqual(VERSION);
    expect(b.probe.stats.ignoredWhileBooting).toBe(0);
  });

  it('a DTR reset reboots through the whole blink again', async () => {
    const b = await open('firmata');
    b.clock.advance(2200);
    await b.take();
    await b.port.set({ dtr: false });
    await b.port.set({ dtr: true });
    expect(b.probe.isRunning).toBe(false);
    b.clock.advance(2125);
    expect((await b.take()).slice(0, 3)).toEqual(VERSION);
    expect(b.probe.stats.boots).toBe(2);
  });
});

describe('SYSTEM_RESET (FF) keeps pins whose PORT bit was set driven HIGH', () => {
  it('output-high, pull-up and servo pins stay HIGH; PWM and low outputs go LOW; analog pins lose the pull-up', async () => {
    const b = await open('instant');
    await b.send([0xf4, 4, 1, 0xf5, 4, 1]); // pin 4 OUTPUT HIGH
    await b.send([0xf4, 5, 0x0b]); // pin 5 PULLUP
    await b.send([0xf4, 6, 3, 0xe6, 0, 1]); // pin 6 PWM 128
    await b.send([0xf4, 9, 4]); // pin 9 SERVO
    await b.send([0xf4, 14, 0, 0x91, 0, 0, 0xf4, 14, 0]); // A0 as INPUT
    await b.send([0x91, 0x40, 0]); // port 1 bit 6 = pin 14: pull-up on
    expect(b.io.lastDrive(14)).toEqual({ highZ: true, pullup: true });
    await b.send([0xff]);
    for (const pin of [4, 5, 6, 9]) expect(b.probe.pin(pin)).toEqual({ mode: 1, state: 0 });
    expect(b.io.lastDrive(4)).toEqual({ level: 1 });
    expect(b.io.lastDrive(5)).toEqual({ level: 1 });
    expect(b.io.lastDrive(9)).toEqual({ level: 1 });
    expect(b.io.lastDrive(6)).toEqual({ level: 0 });
    expect(b.io.lastDrive(7)).toEqual({ level: 0 });
    expect(b.io.lastDrive(14)).toEqual({ highZ: true, pullup: false });
    expect(b.probe.pin(14)?.mode).toBe(2);
  });

  it('after pinMode(OUTPUT) a port write of 0 brings a still-HIGH pin down', async () => {
    const b = await open('instant');
    await b.send([0xf4, 7, 1, 0x90, 0, 1]); // pin 7 HIGH (port 0, bit 7 in the second data byte)
    await b.send([0xf4, 7, 1]); // state 0, PORT bit still set
    expect(b.io.lastDrive(7)).toEqual({ level: 1 });
    await b.send([0x90, 0, 0]);
    expect(b.io.lastDrive(7)).toEqual({ level: 0 });
  });

  it('a reset by DTR (a real reset) clears them', async () => {
    const b = await open('instant');
    await b.send([0xf4, 4, 1, 0xf5, 4, 1]);
    await b.port.set({ dtr: false });
    await b.port.set({ dtr: true });
    expect(b.io.lastDrive(4)).toEqual({ level: 0 });
  });
});

describe('digital inputs are polled by loop()', () => {
  async function reporting() {
    const b = await open('instant');
    await b.send([0xf4, 8, 0, 0xd1, 1]);
    return b;
  }

  it('a 5 us pulse is missed, a 10 us pulse is caught', async () => {
    const b = await reporting();
    b.io.setDigital(8, 1);
    b.clock.advance(0.005);
    b.io.setDigital(8, 0);
    b.clock.advance(1);
    expect(await b.take()).toEqual([]);
    b.io.setDigital(8, 1);
    b.clock.advance(0.01);
    b.io.setDigital(8, 0);
    b.clock.advance(1);
    expect(await b.take()).toEqual([0x91, 1, 0, 0x91, 0, 0]);
  });

  it('a zero-width glitch is never reported', async () => {
    const b = await reporting();
    b.io.setDigital(8, 1);
    b.io.setDigital(8, 0);
    b.clock.advance(50);
    expect(await b.take()).toEqual([]);
  });
});

describe('SERVO mode', () => {
  it('is accepted, starts at 1,500 us every 20 ms, and a write of 90 degrees moves the pulse to 1,472 us', async () => {
    const b = await open('instant');
    await b.send([0xf4, 9, 4]);
    expect(b.probe.pin(9)?.mode).toBe(4);
    expect(b.io.lastDrive(9)).toEqual({ pwm: 1500 / 20000, freqHz: 50 });
    await b.send([0xe9, 90, 0]);
    expect(b.probe.pin(9)).toEqual({ mode: 4, state: 90 });
    // Servo.write(90): map(90, 0, 180, 544, 2400) = 1472 us.
    expect(b.io.lastDrive(9)).toEqual({ pwm: 1472 / 20000, freqHz: 50 });
  });

  it('SERVO_CONFIG sets the pulse range and the mode', async () => {
    const b = await open('instant');
    await b.send([0xf0, 0x70, 10, 1000 & 0x7f, 1000 >> 7, 2000 & 0x7f, 2000 >> 7, 0xf7]);
    expect(b.probe.pin(10)?.mode).toBe(4);
    await b.send([0xea, 0x5a, 1]); // 218 -> clamped to 180 degrees
    expect(b.io.lastDrive(10)).toEqual({ pwm: 2000 / 20000, freqHz: 50 });
  });
});

describe('I2C on an empty bus', () => {
  it('I2C_CONFIG puts 18 and 19 in mode I2C; a read answers "Too few bytes" and an empty reply', async () => {
    const b = await open('instant');
    await b.send([0xf0, 0x78, 0, 0, 0xf7]);
    expect(b.probe.pin(18)?.mode).toBe(6);
    expect(b.probe.pin(19)?.mode).toBe(6);
    const reply = await b.send([0xf0, 0x76, 0x50, 0x08, 6, 0, 0xf7]); // read once, 6 bytes from 0x50
    expect(reply).toEqual([...stringData('I2C: Too few bytes received'), 0xf0, 0x77, 0x50, 0, 0, 0, 0xf7]);
    const withRegister = await b.send([0xf0, 0x76, 0x50, 0x08, 3, 0, 2, 0, 0xf7]); // register 3
    expect(withRegister.slice(-7)).toEqual([0xf0, 0x77, 0x50, 0, 3, 0, 0xf7]);
  });

  it('a continuous read repeats every sampling interval until stopped', async () => {
    const b = await open('instant');
    await b.send([0xf0, 0x78, 0, 0, 0xf7, 0xf0, 0x76, 0x50, 0x10, 1, 0, 0xf7]);
    b.clock.advance(19 * 3);
    const bytes = await b.take();
    const replies = bytes.filter((x, i) => x === 0x77 && bytes[i - 1] === 0xf0).length;
    expect(replies).toBe(3);
    await b.send([0xf0, 0x76, 0x50, 0x18, 0xf7]);
    b.clock.advance(100);
    expect(await b.take()).toEqual([]);
    expect(b.clock.pending).toBe(0);
  });
});

describe('other measured details', () => {
  it('an extended-analog 1000 keeps state 1000 and wraps the 8-bit register (232 -> 91 %)', async () => {
    const b = await open('instant');
    await b.send([0xf4, 3, 3, 0xf0, 0x6f, 3, 1000 & 0x7f, 1000 >> 7, 0xf7]);
    expect(b.probe.pin(3)).toEqual({ mode: 3, state: 1000 });
    expect(b.io.lastDrive(3)).toEqual({ pwm: 232 / 255 });
  });

  it('a port write of 0 to an INPUT pin with its pull-up on sets state 0 and leaves the pull-up on', async () => {
    const b = await open('instant');
    await b.send([0xf4, 2, 0, 0x90, 0x04, 0]);
    expect(b.io.lastDrive(2)).toEqual({ highZ: true, pullup: true });
    await b.send([0x90, 0, 0]);
    expect(b.probe.pin(2)).toEqual({ mode: 0, state: 0 });
    expect(b.io.lastDrive(2)).toEqual({ highZ: true, pullup: true });
  });

  it('mode 0x0A (SERIAL) is silent, 0x05 answers "Unknown pin mode"; pins 0 and 1 report mode 0', async () => {
    const b = await open('instant');
    await b.take(); // the announcement
    expect(await b.send([0xf4, 2, 0x0a])).toEqual([]);
    expect(await b.send([0xf4, 2, 0x05])).toEqual(stringData('Unknown pin mode'));
    expect(await b.send([0xf0, 0x6d, 0, 0xf7])).toEqual([0xf0, 0x6e, 0, 0, 0, 0xf7]);
  });
});
