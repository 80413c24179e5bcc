import type { ProbeBoardId, ProbeProfile } from '@esphil/device-model';
import type { SerialSignals, VirtualSerialDevice, VirtualSerialLink } from '../binding/types';
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
import type { ProbeDrive, ProbeIO } from './probe-io';
import { type FirmataPinMap, firmataPinMap, getProbeProfile, PWM_BITS } from './probe-profile';

/** StandardFirmata's default samplingInterval, ms. */
export const DEFAULT_SAMPLING_INTERVAL_MS = 19;
/** StandardFirmata's MINIMUM_SAMPLING_INTERVAL, ms. */
export const MIN_SAMPLING_INTERVAL_MS = 1;
export const DEFAULT_FIRMWARE_NAME = 'StandardFirmata.ino';

export interface VirtualProbeOptions {
  /** Probe board id or a full profile (default 'arduino-uno'). */
  board?: ProbeBoardId | ProbeProfile;
  /** What the pins are wired to (usually a VirtualWiring). */
  io?: ProbeIO;
  clock?: Clock;
  firmwareName?: string;
  firmwareVersion?: { major: number; minor: number };
  /** Time from reset to the version report (a real Uno's bootloader takes ~0.5 s; default 0). */
  bootDelayMs?: number;
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
  /** Host bytes that arrived while the board was still booting (a bootloader swallows them). */
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
 * A virtual Arduino running StandardFirmata 2.5, as a VirtualSerialDevice. It announces itself at boot
 * (REPORT_VERSION then the firmware report) so firmata-io never waits for its reportVersionTimeout, answers
 * the capability and analog-mapping queries from the probe profile, and reports inputs the way the firmware's
 * loop() does: digital ports on change, analog channels every sampling interval.
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
  private pullups: boolean[] = [];
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
    this.resetOnOpen = opts.resetOnOpen ?? true;
    this.resetOnDtr = opts.resetOnDtr ?? true;
    this.unsubscribeIo = this.io?.onProbeInputChange(() => this.checkDigitalInputs());
    this.systemReset();
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
      this.counters.ignoredWhileBooting += bytes.length;
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
    this.interval = DEFAULT_SAMPLING_INTERVAL_MS;
    this.systemReset();
    if (this.bootDelayMs === 0) this.announce();
    else this.bootTimer = this.clock.setTimeout(() => this.announce(), this.bootDelayMs);
  }

  /** setup(): Firmata.begin() sends the protocol version, then the firmware name and version. */
  private announce(): void {
    this.bootTimer = null;
    this.running = true;
    this.sendVersion();
    this.sendFirmware();
    this.updateSampler();
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
    return this.io?.probeDigital(pin) ?? (this.pullups[pin] ? 1 : 0);
  }

  private readAnalog(channel: number): number {
    const max = 2 ** this.profile.adcBits - 1;
    const raw = this.io?.probeAnalog(channel) ?? 0;
    return Math.min(max, Math.max(0, Math.round(Number.isFinite(raw) ? raw : 0)));
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
    // loop(): digital inputs are checked every pass; analog ones once per sampling interval.
    this.checkDigitalInputs();
    this.sampleAnalog();
  }

  private stopTimers(): void {
    this.bootTimer?.cancel();
    this.bootTimer = null;
    this.sampler?.cancel();
    this.sampler = null;
  }

  /** Keep a sampling timer only while something is reported, so an idle probe schedules nothing. */
  private updateSampler(): void {
    const wanted =
      this.running && this.connected && (this.analogReport.size > 0 || this.reportPorts.some(Boolean));
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

  /** systemResetCallback(): analog-capable pins to ANALOG (not reported), other digital pins to OUTPUT low. */
  private systemReset(): void {
    this.resetting = true;
    const ports = Math.ceil(this.map.totalPins / 8);
    this.reportPorts = Array(ports).fill(false);
    this.portInputs = Array(ports).fill(0);
    this.previousPorts = Array(ports).fill(0);
    this.pins = Array.from({ length: this.map.totalPins }, () => ({ mode: PIN_MODE.OUTPUT, state: 0 }));
    this.pullups = Array(this.map.totalPins).fill(false);
    for (let pin = 0; pin < this.map.totalPins; pin++) {
      if (this.map.analogChannel[pin] !== null) this.setPinMode(pin, PIN_MODE.ANALOG);
      else if (this.map.digital.has(pin)) this.setPinMode(pin, PIN_MODE.OUTPUT);
      else this.pins[pin] = { mode: PIN_MODE.IGNORE, state: 0 };
    }
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
        this.pullups[pin] = false;
        this.drive(pin, { highZ: true, pullup: false });
        break;
      case PIN_MODE.PULLUP:
        this.pullups[pin] = true;
        current.state = 1;
        this.drive(pin, { highZ: true, pullup: true });
        break;
      case PIN_MODE.OUTPUT:
        this.pullups[pin] = false;
        this.drive(pin, { level: 0 });
        break;
      case PIN_MODE.PWM:
        this.pullups[pin] = false;
        this.drive(pin, { pwm: 0 });
        break;
    }
    if (!this.resetting) this.checkDigitalInputs();
  }

  private writePin(pin: number, value: 0 | 1): void {
    const p = this.pins[pin];
    if (!p) return;
    p.state = value;
    this.drive(pin, { level: value });
  }

  private analogWrite(pin: number, value: number): void {
    const p = this.pins[pin];
    if (!p || p.mode !== PIN_MODE.PWM || !this.map.pwm.has(pin)) return;
    const max = 2 ** PWM_BITS - 1;
    const duty = Math.min(max, Math.max(0, value));
    p.state = duty;
    // analogWrite(255) is a steady HIGH on AVR and SAMD alike.
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
        if (p.state !== bit) this.writePin(pin, bit);
      } else if (p.mode === PIN_MODE.INPUT && bit === 1 && p.state !== 1) {
        p.state = 1;
        this.pullups[pin] = true;
        this.drive(pin, { highZ: true, pullup: true });
      }
    }
    this.checkDigitalInputs();
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
}
