import type { ProbeBoardId, ProbeProfile } from '@esphil/device-model';
import type { SerialSignals, VirtualSerialDevice, VirtualSerialLink } from '../binding/types';
import { type BootSchedule, firmataBootSchedule } from './boot';
import { type Clock, type ClockTimer, realClock } from './clock';
import {
  ANALOG_MAPPING_QUERY,
  ANALOG_MAPPING_RESPONSE,
  ANALOG_MESSAGE,
  CAPABILITY_QUERY,
  CAPABILITY_RESPONSE,
  DIGITAL_MESSAGE,
  END_SYSEX,
  EXTENDED_ANALOG,
  FIRMATA_PROTOCOL_VERSION,
  KNOWN_PIN_MODES,
  PIN_MODE,
  PIN_STATE_QUERY,
  PIN_STATE_RESPONSE,
  REPORT_FIRMWARE,
  REPORT_VERSION,
  SAMPLING_INTERVAL,
  START_SYSEX,
  STRING_DATA,
} from './firmata-constants';
import { type FirmataHostMessage, FirmataParser, type FirmataParserStats } from './firmata-parser';
import {
  emptyBusReply,
  I2C_CONFIG,
  I2C_MAX_QUERIES,
  I2C_REQUEST,
  I2C_TOO_FEW_BYTES,
  type I2cRequest,
  parseI2cRequest,
} from './i2c';
import type { ProbeDrive, ProbeIO } from './probe-io';
import { type FirmataPinMap, firmataPinMap, getProbeProfile, PWM_BITS } from './probe-profile';
import {
  DEFAULT_SERVO_RANGE,
  SERVO_DEFAULT_PULSE_US,
  SERVO_FREQ_HZ,
  SERVO_REFRESH_US,
  type ServoRange,
  servoPulseUs,
} from './servo';

/** StandardFirmata's default samplingInterval, ms (firmata/arduino StandardFirmata.ino `samplingInterval = 19`;
 * measured 18.99 ms in shared/reference/firmata-facts.md, "analog sampling"). */
export const DEFAULT_SAMPLING_INTERVAL_MS = 19;
/** StandardFirmata's MINIMUM_SAMPLING_INTERVAL, ms (firmata/arduino StandardFirmata.ino `#define MINIMUM_SAMPLING_INTERVAL`). */
export const MIN_SAMPLING_INTERVAL_MS = 1;
export const DEFAULT_FIRMWARE_NAME = 'StandardFirmata.ino';
/**
 * How long an input change must last for loop() to see it: the real 2.5.9 image misses 5 us pulses and catches
 * 10 us ones (shared/reference/firmata-facts.md, "digital reporting").
 */
export const DEFAULT_LOOP_PASS_MS = 0.008;
/** HardwareSerial's 64-byte RX ring (arduino/ArduinoCore-avr HardwareSerial.h SERIAL_RX_BUFFER_SIZE) holds 63 bytes: what a host can queue while the board is still booting. */
export const SERIAL_RX_BUFFER_BYTES = 63;
/** Servo SYSEX: SERVO_CONFIG (pin, min pulse, max pulse). */
const SERVO_CONFIG = 0x70;

/**
 * - `firmata`: the real firmware's boot: every pin high-impedance, the version blinked on VERSION_BLINK_PIN,
 *   the announcement about 2.1 s after reset (plus `bootDelayMs`).
 * - `instant`: announce at once (after `bootDelayMs`), no blink; for fast test benches.
 */
export type ProbeBootMode = 'firmata' | 'instant';

export interface VirtualProbeOptions {
  /** Probe board id or a full profile (default 'arduino-uno'). */
  board?: ProbeBoardId | ProbeProfile;
  /** What the pins are wired to (usually a VirtualWiring). */
  io?: ProbeIO;
  clock?: Clock;
  firmwareName?: string;
  firmwareVersion?: { major: number; minor: number };
  /** Boot behaviour (default `firmata`, the real board's ~2.1 s). */
  boot?: ProbeBootMode;
  /** Extra time from reset to setup(), e.g. a bootloader's wait (optiboot: up to 1 s after a DTR reset); default 0. */
  bootDelayMs?: number;
  /** How long an input change must last for the polled loop() to report it, ms (default 0.008). */
  loopPassMs?: number;
  /** Reboot when the host opens the port (the Uno's DTR auto-reset). Default true. */
  resetOnOpen?: boolean;
  /** Reboot on a DTR assert edge from set(). Default true. */
  resetOnDtr?: boolean;
  maxSysexBytes?: number;
}

export interface ProbePinState {
  mode: number;
  /** Output value, PWM duty (0-255) or, for inputs, the pull-up flag: what PIN_STATE_RESPONSE reports. */
  state: number;
}

export interface VirtualProbeStats {
  parser: Readonly<FirmataParserStats>;
  /** Host bytes that arrived while booting and did not fit the 63-byte serial RX buffer (dropped). */
  ignoredWhileBooting: number;
  /** Sysex commands StandardFirmata would not act on. */
  unhandledSysex: number;
  boots: number;
  analogReports: number;
  digitalReports: number;
  /** REPORT_VERSION / REPORT_FIRMWARE queries from the host (a host that had to ask waited for its timeout). */
  versionQueries: number;
}

function sevenBitPairs(text: string): number[] {
  const out: number[] = [];
  for (const byte of Buffer.from(text, 'utf8')) out.push(byte & 0x7f, byte >> 7);
  return out;
}

/**
 * A virtual Arduino running StandardFirmata 2.5, as a VirtualSerialDevice, matching the measured behaviour of
 * the real 2.5.9 image (shared/reference/firmata-facts.md): it blinks its version and announces itself about
 * 2.1 s after reset (REPORT_VERSION then the firmware report; host bytes sent meanwhile wait in the RX buffer),
 * answers the capability and analog-mapping queries from the probe profile (SERVO on every digital pin, I2C on
 * the I2C pins), and reports inputs the way the firmware's polled loop() does: digital ports when a change
 * outlasts a loop pass, analog channels every sampling interval.
 */
export class VirtualProbe implements VirtualSerialDevice {
  readonly profile: ProbeProfile;
  private readonly map: FirmataPinMap;
  private readonly clock: Clock;
  private readonly io: ProbeIO | undefined;
  private readonly parser: FirmataParser;
  private readonly firmwareName: string;
  private readonly firmwareVersion: { major: number; minor: number };
  private readonly bootDelayMs: number;
  private readonly bootMode: ProbeBootMode;
  private readonly bootSchedule: BootSchedule;
  private readonly loopPassMs: number;
  private readonly resetOnOpen: boolean;
  private readonly resetOnDtr: boolean;
  private readonly unsubscribeIo: (() => void) | undefined;
  private readonly counters = {
    ignoredWhileBooting: 0,
    unhandledSysex: 0,
    boots: 0,
    analogReports: 0,
    digitalReports: 0,
    versionQueries: 0,
  };

  private link: VirtualSerialLink | null = null;
  private pins: ProbePinState[] = [];
  /** The AVR PORT register bit per pin: drives an output HIGH, or is the pull-up of an input. */
  private portHigh: boolean[] = [];
  private servoRanges = new Map<number, ServoRange>();
  private i2cEnabled = false;
  private i2cQueries: I2cRequest[] = [];
  private bootBuffer: number[] = [];
  private pollTimer: ClockTimer | null = null;
  private blinkTimers: ClockTimer[] = [];
  private reportPorts: boolean[] = [];
  private portInputs: number[] = [];
  private previousPorts: number[] = [];
  private analogReport = new Set<number>();
  private interval = DEFAULT_SAMPLING_INTERVAL_MS;
  private resetting = false;
  private running = false;
  private connected = false;
  private dtr = false;
  private bootTimer: ClockTimer | null = null;
  private sampler: ClockTimer | null = null;
  private samplerPeriod = 0;

  constructor(opts: VirtualProbeOptions = {}) {
    this.profile = typeof opts.board === 'object' ? opts.board : getProbeProfile(opts.board ?? 'arduino-uno');
    this.map = firmataPinMap(this.profile);
    this.clock = opts.clock ?? realClock;
    this.io = opts.io;
    this.parser = new FirmataParser({ maxSysexBytes: opts.maxSysexBytes });
    this.firmwareName = opts.firmwareName ?? DEFAULT_FIRMWARE_NAME;
    this.firmwareVersion = opts.firmwareVersion ?? FIRMATA_PROTOCOL_VERSION;
    this.bootDelayMs = Math.max(0, opts.bootDelayMs ?? 0);
    this.bootMode = opts.boot ?? 'firmata';
    this.bootSchedule = firmataBootSchedule(this.firmwareVersion);
    this.loopPassMs = Math.max(0, opts.loopPassMs ?? DEFAULT_LOOP_PASS_MS);
    this.resetOnOpen = opts.resetOnOpen ?? true;
    this.resetOnDtr = opts.resetOnDtr ?? true;
    this.unsubscribeIo = this.io?.onProbeInputChange(() => this.schedulePoll());
    this.powerOn();
    // An instant board is taken as already running its sketch before the host opens the port.
    if (this.bootMode === 'instant') this.systemReset();
  }

  // --- inspection -------------------------------------------------------------------------------------------

  get stats(): VirtualProbeStats {
    return { parser: { ...this.parser.stats }, ...this.counters };
  }

  get samplingInterval(): number {
    return this.interval;
  }

  /** Firmware is up (booted and announced). */
  get isRunning(): boolean {
    return this.running;
  }

  pin(pin: number): ProbePinState | undefined {
    const p = this.pins[pin];
    return p ? { ...p } : undefined;
  }

  /** Stop timers and detach from the wiring; the probe is inert afterwards. */
  dispose(): void {
    this.stopTimers();
    this.running = false;
    this.unsubscribeIo?.();
  }

  // --- VirtualSerialDevice -----------------------------------------------------------------------------------

  onAttach(link: VirtualSerialLink): void {
    this.link = link;
  }

  onOpen(ctx: { signals: SerialSignals }): void {
    this.dtr = ctx.signals.dtr;
    this.connected = true;
    if (this.resetOnOpen || !this.running) this.boot();
    else this.announce();
  }

  onSignals(signals: SerialSignals): void {
    const edge = signals.dtr && !this.dtr;
    this.dtr = signals.dtr;
    if (edge && this.resetOnDtr) this.boot();
  }

  onClose(): void {
    // The sketch keeps running with nobody listening; stop sampling to save the timers, keep pin state.
    this.connected = false;
    this.stopTimers();
  }

  onData(bytes: Uint8Array): void {
    if (!this.running) {
      // Serial.begin() runs before the blink: the RX interrupt buffers what fits, loop() reads it after setup().
      const room = Math.max(0, SERIAL_RX_BUFFER_BYTES - this.bootBuffer.length);
      this.bootBuffer.push(...bytes.subarray(0, room));
      this.counters.ignoredWhileBooting += Math.max(0, bytes.length - room);
      return;
    }
    this.parser.feed(bytes, (msg) => this.handle(msg));
  }

  // --- firmware ----------------------------------------------------------------------------------------------

  private boot(): void {
    this.stopTimers();
    this.running = false;
    this.counters.boots++;
    this.parser.reset();
    this.bootBuffer = [];
    this.interval = DEFAULT_SAMPLING_INTERVAL_MS;
    this.powerOn();
    const setupAt = this.bootDelayMs;
    if (this.bootMode === 'instant') {
      this.systemReset();
      if (setupAt === 0) this.announce();
      else this.bootTimer = this.clock.setTimeout(() => this.announce(), setupAt);
      return;
    }
    this.scheduleBlink(setupAt);
    this.bootTimer = this.clock.setTimeout(() => {
      // setup() ends with systemResetCallback(): 2-13 OUTPUT LOW, analog pins ANALOG.
      this.systemReset();
      this.announce();
    }, setupAt + this.bootSchedule.announceMs);
  }

  /** Reset: every register cleared, every pin high-impedance, nothing configured yet. */
  private powerOn(): void {
    this.i2cEnabled = false;
    this.i2cQueries = [];
    this.servoRanges.clear();
    this.portHigh = Array(this.map.totalPins).fill(false);
    this.pins = Array.from({ length: this.map.totalPins }, () => ({ mode: PIN_MODE.INPUT, state: 0 }));
    for (let pin = 0; pin < this.map.totalPins; pin++) {
      if (this.map.digital.has(pin)) this.drive(pin, { highZ: true, pullup: false });
    }
  }

  /** blinkVersion(): pinMode(OUTPUT) on the blink pin, then 40 ms HIGH pulses (see ./boot.ts). */
  private scheduleBlink(setupAt: number): void {
    const pin = this.profile.versionBlinkPin;
    if (pin === undefined || !this.map.digital.has(pin)) return;
    this.blinkTimers.push(this.clock.setTimeout(() => this.drive(pin, { level: 0 }), setupAt));
    for (const at of this.bootSchedule.pulses) {
      this.blinkTimers.push(this.clock.setTimeout(() => this.drive(pin, { level: 1 }), setupAt + at));
      this.blinkTimers.push(
        this.clock.setTimeout(() => this.drive(pin, { level: 0 }), setupAt + at + this.bootSchedule.pulseMs),
      );
    }
  }

  /** setup(): Firmata.begin() sends the protocol version, then the firmware name and version. */
  private announce(): void {
    this.bootTimer = null;
    this.blinkTimers = [];
    this.running = true;
    this.sendVersion();
    this.sendFirmware();
    this.updateSampler();
    const queued = this.bootBuffer;
    this.bootBuffer = [];
    if (queued.length > 0) this.parser.feed(Uint8Array.from(queued), (msg) => this.handle(msg));
  }

  private send(bytes: number[]): void {
    this.link?.push(Uint8Array.from(bytes));
  }

  private sendVersion(): void {
    this.send([REPORT_VERSION, FIRMATA_PROTOCOL_VERSION.major, FIRMATA_PROTOCOL_VERSION.minor]);
  }

  private sendFirmware(): void {
    this.send([
      START_SYSEX,
      REPORT_FIRMWARE,
      this.firmwareVersion.major,
      this.firmwareVersion.minor,
      ...sevenBitPairs(this.firmwareName),
      END_SYSEX,
    ]);
  }

  private sendString(text: string): void {
    this.send([START_SYSEX, STRING_DATA, ...sevenBitPairs(text), END_SYSEX]);
  }

  private sendAnalog(channel: number, value: number): void {
    this.counters.analogReports++;
    if (channel < 16) {
      this.send([ANALOG_MESSAGE | channel, value & 0x7f, (value >> 7) & 0x7f]);
    } else {
      this.send([START_SYSEX, EXTENDED_ANALOG, channel, value & 0x7f, (value >> 7) & 0x7f, END_SYSEX]);
    }
  }

  private outputPort(port: number, bits: number, force: boolean): void {
    if (!force && this.previousPorts[port] === bits) return;
    this.previousPorts[port] = bits;
    this.counters.digitalReports++;
    this.send([DIGITAL_MESSAGE | port, bits & 0x7f, (bits >> 7) & 0x7f]);
  }

  private readDigital(pin: number): 0 | 1 {
    return this.io?.probeDigital(pin) ?? (this.portHigh[pin] ? 1 : 0);
  }

  private readAnalog(channel: number): number {
    const max = 2 ** this.profile.adcBits - 1;
    const raw = this.io?.probeAnalog(channel) ?? 0;
    return Math.min(max, Math.max(0, Math.round(Number.isFinite(raw) ? raw : 0)));
  }

  /**
   * loop() polls the ports on every pass, so it only sees a change that is still there a pass later: a
   * glitch shorter than loopPassMs is missed, as on the real board.
   */
  private schedulePoll(): void {
    if (!this.running || this.pollTimer) return;
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = null;
      this.checkDigitalInputs();
    }, this.loopPassMs);
  }

  private readPort(port: number): number {
    const mask = this.portInputs[port] ?? 0;
    let bits = 0;
    for (let i = 0; i < 8; i++) {
      if (mask & (1 << i) && this.readDigital(port * 8 + i)) bits |= 1 << i;
    }
    return bits;
  }

  private checkDigitalInputs(): void {
    if (!this.running) return;
    this.reportPorts.forEach((on, port) => {
      if (on) this.outputPort(port, this.readPort(port), false);
    });
  }

  private sampleAnalog(): void {
    for (const channel of [...this.analogReport].sort((a, b) => a - b)) {
      const pin = this.map.channelPin.get(channel);
      if (pin !== undefined && this.pins[pin]?.mode === PIN_MODE.ANALOG) {
        this.sendAnalog(channel, this.readAnalog(channel));
      }
    }
  }

  private tick(): void {
    if (!this.running) return;
    // loop(): digital inputs are checked every pass; analog ones and I2C reads once per sampling interval.
    this.checkDigitalInputs();
    this.sampleAnalog();
    for (const q of this.i2cQueries) this.i2cRead(q);
  }

  private stopTimers(): void {
    this.bootTimer?.cancel();
    this.bootTimer = null;
    for (const t of this.blinkTimers) t.cancel();
    this.blinkTimers = [];
    this.pollTimer?.cancel();
    this.pollTimer = null;
    this.sampler?.cancel();
    this.sampler = null;
  }

  /** Keep a sampling timer only while something is reported, so an idle probe schedules nothing. */
  private updateSampler(): void {
    const wanted =
      this.running &&
      this.connected &&
      (this.analogReport.size > 0 || this.reportPorts.some(Boolean) || this.i2cQueries.length > 0);
    if (wanted && this.sampler && this.samplerPeriod === this.interval) return;
    this.sampler?.cancel();
    this.sampler = null;
    if (!wanted) return;
    this.samplerPeriod = this.interval;
    this.sampler = this.clock.setInterval(() => this.tick(), this.interval);
  }

  private drive(pin: number, drive: ProbeDrive): void {
    this.io?.setProbeOutput(pin, drive);
  }

  /**
   * systemResetCallback(): analog-capable pins to ANALOG (pinMode(INPUT) clears the pull-up), other digital
   * pins to OUTPUT state 0, all reporting off. pinMode(OUTPUT) only sets DDR, so a pin whose PORT bit was set
   * (output HIGH, pull-up input, servo) goes on driving HIGH; a PWM pin is written LOW first.
   */
  private systemReset(): void {
    this.resetting = true;
    const ports = Math.ceil(this.map.totalPins / 8);
    this.reportPorts = Array(ports).fill(false);
    this.portInputs = Array(ports).fill(0);
    this.previousPorts = Array(ports).fill(0);
    this.i2cEnabled = false;
    this.i2cQueries = [];
    for (let pin = 0; pin < this.map.totalPins; pin++) {
      if (this.map.analogChannel[pin] !== null) this.setPinMode(pin, PIN_MODE.ANALOG);
      else if (this.map.digital.has(pin)) this.setPinMode(pin, PIN_MODE.OUTPUT);
    }
    this.servoRanges.clear();
    this.analogReport.clear();
    this.resetting = false;
    this.updateSampler();
  }

  private reportAnalog(channel: number, enable: boolean): void {
    if (!this.map.channelPin.has(channel)) return;
    if (!enable) {
      this.analogReport.delete(channel);
    } else {
      this.analogReport.add(channel);
      // Protocol 2.4+: send the current value at once so a reconnecting host knows it.
      if (!this.resetting && this.running) this.sendAnalog(channel, this.readAnalog(channel));
    }
    this.updateSampler();
  }

  private reportDigital(port: number, enable: boolean): void {
    if (port >= this.reportPorts.length) return;
    this.reportPorts[port] = enable;
    if (enable) this.outputPort(port, this.readPort(port), true);
    this.updateSampler();
  }

  private supports(pin: number, mode: number): boolean {
    return this.map.capabilities[pin]?.some(([m]) => m === mode) ?? false;
  }

  private setPinMode(pin: number, mode: number): void {
    const current = this.pins[pin];
    if (!current || current.mode === PIN_MODE.IGNORE) return;
    if (!KNOWN_PIN_MODES.has(mode)) {
      this.sendString('Unknown pin mode');
      return;
    }
    const previous = current.mode;
    if (previous === PIN_MODE.I2C && this.i2cEnabled && mode !== PIN_MODE.I2C) this.disableI2c();
    const channel = this.map.analogChannel[pin];
    if (channel !== null && channel !== undefined) this.reportAnalog(channel, mode === PIN_MODE.ANALOG);
    if (this.map.digital.has(pin)) {
      const port = pin >> 3;
      const bit = 1 << (pin & 7);
      const inputs = this.portInputs[port] ?? 0;
      this.portInputs[port] =
        mode === PIN_MODE.INPUT || mode === PIN_MODE.PULLUP ? inputs | bit : inputs & ~bit;
    }
    current.state = 0;
    if (!this.supports(pin, mode)) return;
    current.mode = mode;
    switch (mode) {
      case PIN_MODE.ANALOG:
      case PIN_MODE.INPUT:
        this.portHigh[pin] = false;
        this.drive(pin, { highZ: true, pullup: false });
        break;
      case PIN_MODE.PULLUP:
        this.portHigh[pin] = true;
        current.state = 1;
        this.drive(pin, { highZ: true, pullup: true });
        break;
      case PIN_MODE.OUTPUT:
        if (previous === PIN_MODE.PWM) this.portHigh[pin] = false;
        this.drive(pin, { level: this.portHigh[pin] ? 1 : 0 });
        break;
      case PIN_MODE.PWM:
        this.portHigh[pin] = false;
        this.drive(pin, { pwm: 0 });
        break;
      case PIN_MODE.SERVO:
        this.attachServo(pin, this.servoRanges.get(pin) ?? DEFAULT_SERVO_RANGE);
        break;
    }
    if (!this.resetting) this.schedulePoll();
  }

  /** Servo.attach(): Timer1 pulses the pin at 50 Hz, 1,500 us until the first write. */
  private attachServo(pin: number, range: ServoRange): void {
    this.servoRanges.set(pin, range);
    this.portHigh[pin] = true; // the measured board leaves a detached servo pin HIGH
    this.driveServo(pin, SERVO_DEFAULT_PULSE_US);
  }

  private driveServo(pin: number, pulseUs: number): void {
    this.drive(pin, { pwm: pulseUs / SERVO_REFRESH_US, freqHz: SERVO_FREQ_HZ });
  }

  private disableI2c(): void {
    this.i2cEnabled = false;
    this.i2cQueries = [];
    this.updateSampler();
  }

  private writePin(pin: number, value: 0 | 1): void {
    const p = this.pins[pin];
    if (!p) return;
    p.state = value;
    this.portHigh[pin] = value === 1;
    this.drive(pin, { level: value });
  }

  private analogWrite(pin: number, value: number): void {
    const p = this.pins[pin];
    if (!p) return;
    if (p.mode === PIN_MODE.SERVO) {
      p.state = value;
      this.driveServo(pin, servoPulseUs(value, this.servoRanges.get(pin)));
      return;
    }
    if (p.mode !== PIN_MODE.PWM || !this.map.pwm.has(pin)) return;
    const max = 2 ** PWM_BITS - 1;
    p.state = value;
    // analogWrite(0) and (255) are digitalWrite LOW / HIGH; anything else lands in the 8-bit compare register,
    // so an extended-analog 1000 wraps to 232 (the measured board runs 91 %).
    const duty = value <= 0 ? 0 : value === max ? max : value & max;
    this.portHigh[pin] = value === max;
    // The wiring knows the pin's analogWrite frequency (profile pwmHzByPin).
    this.drive(pin, { pwm: duty / max });
  }

  private handle(msg: FirmataHostMessage): void {
    switch (msg.type) {
      case 'report-version':
        this.counters.versionQueries++;
        this.sendVersion();
        return;
      case 'system-reset':
        this.systemReset();
        return;
      case 'set-pin-mode':
        this.setPinMode(msg.pin, msg.mode);
        return;
      case 'set-pin-value': {
        const p = this.pins[msg.pin];
        if (p && this.map.digital.has(msg.pin) && p.mode === PIN_MODE.OUTPUT)
          this.writePin(msg.pin, msg.value ? 1 : 0);
        return;
      }
      case 'digital-port':
        this.digitalPortWrite(msg.port, msg.value);
        return;
      case 'analog-write':
        this.analogWrite(msg.pin, msg.value);
        return;
      case 'report-analog':
        this.reportAnalog(msg.channel, msg.enable);
        return;
      case 'report-digital':
        this.reportDigital(msg.port, msg.enable);
        return;
      case 'sysex':
        this.handleSysex(msg.command, msg.data);
        return;
    }
  }

  /** digitalWriteCallback(): outputs follow the bits; a 1 written to an INPUT pin turns its pull-up on. */
  private digitalPortWrite(port: number, value: number): void {
    for (let i = 0; i < 8; i++) {
      const pin = port * 8 + i;
      const p = this.pins[pin];
      if (!p || !this.map.digital.has(pin)) continue;
      const bit: 0 | 1 = value & (1 << i) ? 1 : 0;
      if (p.mode === PIN_MODE.OUTPUT) {
        // Compare with the PORT bit too: pinMode(OUTPUT) reports state 0 but keeps driving a set bit HIGH.
        if (p.state !== bit || this.portHigh[pin] !== (bit === 1)) this.writePin(pin, bit);
      } else if (p.mode === PIN_MODE.INPUT) {
        // The state follows the bit, but a 0 leaves a pull-up that is on as it is (measured on 2.5.9).
        p.state = bit;
        if (bit === 1 && !this.portHigh[pin]) {
          this.portHigh[pin] = true;
          this.drive(pin, { highZ: true, pullup: true });
        }
      }
    }
    this.schedulePoll();
  }

  private handleSysex(command: number, data: number[]): void {
    switch (command) {
      case REPORT_FIRMWARE:
        this.counters.versionQueries++;
        this.sendFirmware();
        return;
      case CAPABILITY_QUERY: {
        const body: number[] = [];
        for (const caps of this.map.capabilities) {
          for (const [mode, bits] of caps) body.push(mode, bits);
          body.push(0x7f);
        }
        this.send([START_SYSEX, CAPABILITY_RESPONSE, ...body, END_SYSEX]);
        return;
      }
      case ANALOG_MAPPING_QUERY:
        this.send([
          START_SYSEX,
          ANALOG_MAPPING_RESPONSE,
          ...this.map.analogChannel.map((ch) => ch ?? 0x7f),
          END_SYSEX,
        ]);
        return;
      case PIN_STATE_QUERY: {
        const pin = data[0];
        const p = pin === undefined ? undefined : this.pins[pin];
        if (pin === undefined || !p) return;
        const state: number[] = [p.state & 0x7f];
        for (let rest = p.state >> 7; rest > 0; rest >>= 7) state.push(rest & 0x7f);
        this.send([START_SYSEX, PIN_STATE_RESPONSE, pin, p.mode, ...state, END_SYSEX]);
        return;
      }
      case SAMPLING_INTERVAL: {
        const [lsb, msb] = data;
        if (lsb === undefined || msb === undefined) return;
        this.interval = Math.max(MIN_SAMPLING_INTERVAL_MS, (lsb & 0x7f) | ((msb & 0x7f) << 7));
        this.updateSampler();
        return;
      }
      case SERVO_CONFIG: {
        const [pin, ...w] = data;
        if (pin === undefined || w.length < 4) return;
        const minUs = (w[0]! & 0x7f) | ((w[1]! & 0x7f) << 7);
        const maxUs = (w[2]! & 0x7f) | ((w[3]! & 0x7f) << 7);
        if (!this.map.digital.has(pin)) return;
        this.servoRanges.set(pin, { minUs, maxUs });
        this.setPinMode(pin, PIN_MODE.SERVO);
        return;
      }
      case I2C_CONFIG:
        this.enableI2c();
        return;
      case I2C_REQUEST:
        this.i2cRequest(data);
        return;
      case EXTENDED_ANALOG: {
        const [pin, ...bytes] = data;
        if (pin === undefined || bytes.length === 0) return;
        const value = bytes.reduce((acc, b, i) => acc | ((b & 0x7f) << (7 * i)), 0);
        this.analogWrite(pin, value);
        return;
      }
      default:
        this.counters.unhandledSysex++;
    }
  }

  /** enableI2CPins(): the I2C pins switch to mode I2C (their analog reporting stops), Wire.begin(). */
  private enableI2c(): void {
    for (const pin of this.profile.i2cPins ?? []) {
      if (this.pins[pin]?.mode !== PIN_MODE.I2C) this.setPinMode(pin, PIN_MODE.I2C);
    }
    this.i2cEnabled = true;
  }

  private i2cRequest(data: number[]): void {
    const req = parseI2cRequest(data);
    if (!req) return;
    switch (req.mode) {
      case 'write':
        return; // nobody on the bus acknowledges; StandardFirmata reports nothing
      case 'read-once':
        this.i2cRead(req);
        return;
      case 'read-continuous':
        if (this.i2cQueries.length >= I2C_MAX_QUERIES) {
          this.sendString('too many queries');
          return;
        }
        this.i2cQueries.push(req);
        this.updateSampler();
        return;
      case 'stop':
        this.i2cQueries = this.i2cQueries.filter((q) => q.address !== req.address);
        this.updateSampler();
        return;
    }
  }

  /** readAndReportData() on a bus with no devices (the simulated bench has none). */
  private i2cRead(req: I2cRequest): void {
    if (req.bytesToRead > 0) this.sendString(I2C_TOO_FEW_BYTES);
    this.send(emptyBusReply(req.address, req.register));
  }
}
