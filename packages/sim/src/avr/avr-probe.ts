import type { ProbeProfile } from '@esphil/device-model';
import type { SerialSignals, VirtualSerialDevice, VirtualSerialLink } from '../binding/types';
import { type Clock, type ClockTimer, realClock } from '../probe/clock';
import type { ProbeDrive, ProbeIO } from '../probe/probe-io';
import { getProbeProfile } from '../probe/probe-profile';
import { Atmega328p, UNO_CLOCK_HZ, type UnoPinState } from './atmega328p';
import { loadFirmwareImage } from './firmata-image';

/** Emulation time slice: inputs are sampled and outputs published once per slice. */
export const DEFAULT_AVR_SLICE_MS = 1;
/** Longest stretch emulated in one go after a late timer (a stalled host must not freeze in a catch-up loop). */
export const DEFAULT_AVR_MAX_CATCH_UP_MS = 50;
/** Uno digital pins the probe drives and reads (0 and 1 are the serial link to the host). */
const IO_PINS = Array.from({ length: 18 }, (_, i) => i + 2);
const ANALOG_CHANNELS = [0, 1, 2, 3, 4, 5];

export interface AvrProbeOptions {
  /** What the pins are wired to (usually a VirtualWiring with an arduino-uno probe). */
  io?: ProbeIO;
  /** Drives emulated time: the CPU runs clock-elapsed x 16 MHz cycles (default wall clock). */
  clock?: Clock;
  /** Intel HEX path; default the StandardFirmata image avrgirl-arduino ships for the Uno. */
  hex?: string;
  /** An already parsed flash image (takes precedence over hex). */
  image?: Uint8Array;
  /** Reboot when the host opens the port (the Uno's DTR auto-reset). Default true. */
  resetOnOpen?: boolean;
  /** Reboot on a DTR assert edge. Default true. */
  resetOnDtr?: boolean;
  sliceMs?: number;
  maxCatchUpMs?: number;
}

export interface AvrProbeStats {
  boots: number;
  /** CPU cycles emulated since construction. */
  cycles: number;
  bytesFromHost: number;
  bytesToHost: number;
}

function driveOf(state: UnoPinState | null, duty: number | null): ProbeDrive | null {
  if (duty !== null) return { pwm: duty };
  switch (state) {
    case 'high':
      return { level: 1 };
    case 'low':
      return { level: 0 };
    case 'input':
      return { highZ: true, pullup: false };
    case 'input-pullup':
      return { highZ: true, pullup: true };
    default:
      return null;
  }
}

const sameDrive = (a: ProbeDrive | undefined, b: ProbeDrive): boolean =>
  a !== undefined && JSON.stringify(a) === JSON.stringify(b);

/**
 * A real Firmata firmware image running on an emulated ATmega328P (avr8js), as a VirtualSerialDevice behind the
 * same binding and wiring as VirtualProbe. Host bytes enter USART0 one at a time at the configured baud; what
 * the firmware transmits goes to the host; port pins and timer PWM outputs drive the wiring, the wiring's levels
 * and voltages drive the input pins and ADC channels. Runs only while the port is open (the sketch's time stops
 * while nobody listens), in slices driven by `clock`, so a ManualClock makes it fully deterministic.
 */
export class AvrProbe implements VirtualSerialDevice {
  readonly profile: ProbeProfile = getProbeProfile('arduino-uno');
  private readonly flash: Uint8Array;
  private readonly io: ProbeIO | undefined;
  private readonly clock: Clock;
  private readonly resetOnOpen: boolean;
  private readonly resetOnDtr: boolean;
  private readonly sliceMs: number;
  private readonly maxCatchUpMs: number;
  private readonly counters: AvrProbeStats = { boots: 0, cycles: 0, bytesFromHost: 0, bytesToHost: 0 };
  private machine: Atmega328p;
  private link: VirtualSerialLink | null = null;
  private timer: ClockTimer | null = null;
  private lastRunAt = 0;
  private rxQueue: number[] = [];
  private txBuffer: number[] = [];
  private published = new Map<number, ProbeDrive>();
  private dtr = false;
  private disposed = false;

  constructor(opts: AvrProbeOptions = {}) {
    this.flash = opts.image ?? loadFirmwareImage(opts.hex);
    this.io = opts.io;
    this.clock = opts.clock ?? realClock;
    this.resetOnOpen = opts.resetOnOpen ?? true;
    this.resetOnDtr = opts.resetOnDtr ?? true;
    this.sliceMs = Math.max(0.1, opts.sliceMs ?? DEFAULT_AVR_SLICE_MS);
    this.maxCatchUpMs = Math.max(this.sliceMs, opts.maxCatchUpMs ?? DEFAULT_AVR_MAX_CATCH_UP_MS);
    this.machine = this.powerOn();
  }

  get stats(): AvrProbeStats {
    return { ...this.counters };
  }

  /** The emulated chip, for inspection (pin states, registers). */
  get chip(): Atmega328p {
    return this.machine;
  }

  /** Emulated milliseconds since the last reset. */
  get uptimeMs(): number {
    return (this.machine.cpu.cycles / UNO_CLOCK_HZ) * 1000;
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  // --- VirtualSerialDevice -----------------------------------------------------------------------------------

  onAttach(link: VirtualSerialLink): void {
    this.link = link;
  }

  onOpen(ctx: { signals: SerialSignals }): void {
    this.dtr = ctx.signals.dtr;
    if (this.resetOnOpen) this.reset();
    this.start();
  }

  onSignals(signals: SerialSignals): void {
    const edge = signals.dtr && !this.dtr;
    this.dtr = signals.dtr;
    if (edge && this.resetOnDtr) this.reset();
  }

  onClose(): void {
    this.stop();
  }

  onData(bytes: Uint8Array): void {
    this.counters.bytesFromHost += bytes.length;
    this.rxQueue.push(...bytes);
    this.feedRx();
  }

  // --- emulation ---------------------------------------------------------------------------------------------

  private powerOn(): Atmega328p {
    const m = new Atmega328p(this.flash);
    m.usart.onByteTransmit = (b) => this.txBuffer.push(b);
    m.usart.onRxComplete = () => this.feedRx();
    return m;
  }

  /** The RESET pin: a fresh chip (registers, RAM and peripherals cleared), the flash kept. */
  private reset(): void {
    this.counters.boots++;
    this.rxQueue = [];
    this.txBuffer = [];
    this.machine = this.powerOn();
    this.lastRunAt = this.clock.now();
    this.publishOutputs();
  }

  private start(): void {
    if (this.timer || this.disposed) return;
    this.lastRunAt = this.clock.now();
    this.timer = this.clock.setInterval(() => this.step(), this.sliceMs);
  }

  private stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** One slice: inputs in, run the CPU for the elapsed clock time, bytes and outputs out. */
  private step(): void {
    const now = this.clock.now();
    const elapsed = Math.min(this.maxCatchUpMs, Math.max(0, now - this.lastRunAt));
    this.lastRunAt = now;
    if (elapsed === 0) return;
    this.sampleInputs();
    this.feedRx();
    const cycles = Math.round((elapsed / 1000) * UNO_CLOCK_HZ);
    this.machine.run(cycles);
    this.counters.cycles += cycles;
    this.flushTx();
    this.publishOutputs();
  }

  /** Next host byte into the receiver once the previous one has been shifted in (bytes arrive at the baud). */
  private feedRx(): void {
    const usart = this.machine.usart;
    if (this.rxQueue.length === 0 || usart.rxBusy) return;
    if (usart.writeByte(this.rxQueue[0]!)) this.rxQueue.shift();
  }

  private flushTx(): void {
    if (this.txBuffer.length === 0) return;
    const bytes = Uint8Array.from(this.txBuffer);
    this.txBuffer = [];
    this.counters.bytesToHost += bytes.length;
    this.link?.push(bytes);
  }

  private sampleInputs(): void {
    const m = this.machine;
    for (const pin of IO_PINS) {
      const level = this.io?.probeDigital(pin) ?? null;
      // avr8js does not model floating inputs: an undriven line reads its pull-up, else low.
      m.setInput(pin, level === null ? m.pinState(pin) === 'input-pullup' : level === 1);
    }
    for (const ch of ANALOG_CHANNELS) {
      const counts = this.io?.probeAnalog(ch) ?? null;
      // Back to volts at the middle of the count, so the chip's floor(V * 1024 / 5) returns the wiring's count.
      m.setAnalog(ch, counts === null ? 0 : ((counts + 0.5) * this.profile.vref) / 1024);
    }
  }

  private publishOutputs(): void {
    for (const pin of IO_PINS) {
      const drive = driveOf(this.machine.pinState(pin), this.machine.pwmDuty(pin));
      if (!drive || sameDrive(this.published.get(pin), drive)) continue;
      this.published.set(pin, drive);
      this.io?.setProbeOutput(pin, drive);
    }
  }
}
