import {
  ANALOG_MESSAGE,
  DIGITAL_MESSAGE,
  END_SYSEX,
  REPORT_ANALOG,
  REPORT_DIGITAL,
  REPORT_VERSION,
  SET_DIGITAL_PIN_VALUE,
  SET_PIN_MODE,
  START_SYSEX,
  SYSTEM_RESET,
} from './firmata-constants';

/** A host -> board Firmata message, decoded. */
export type FirmataHostMessage =
  | { type: 'digital-port'; port: number; value: number }
  | { type: 'analog-write'; pin: number; value: number }
  | { type: 'report-analog'; channel: number; enable: boolean }
  | { type: 'report-digital'; port: number; enable: boolean }
  | { type: 'set-pin-mode'; pin: number; mode: number }
  | { type: 'set-pin-value'; pin: number; value: number }
  | { type: 'report-version' }
  | { type: 'system-reset' }
  | { type: 'sysex'; command: number; data: number[] };

/** Firmata's MAX_DATA_BYTES: sysex payload bytes the firmware keeps; the rest are dropped (and counted here). */
export const DEFAULT_MAX_SYSEX_BYTES = 64;

export interface FirmataParserOptions {
  maxSysexBytes?: number;
}

export interface FirmataParserStats {
  /** Data bytes with no command to belong to. */
  strayDataBytes: number;
  /** Commands cut short by the next command byte. */
  truncatedCommands: number;
  /** Status bytes that are no Firmata command. */
  unknownCommands: number;
  /** Sysex payload bytes beyond maxSysexBytes. */
  droppedSysexBytes: number;
  /** Sysex messages with no command byte (F0 F7). */
  emptySysex: number;
}

/**
 * Byte-level Firmata parser for what a host sends a board, following the firmware's own parser (Firmata.cpp):
 * a status byte starts a command and abandons any unfinished one; data bytes without a command are ignored;
 * sysex collects every byte up to F7. It never throws: anything it cannot use is counted in `stats`.
 */
export class FirmataParser {
  readonly stats: FirmataParserStats = {
    strayDataBytes: 0,
    truncatedCommands: 0,
    unknownCommands: 0,
    droppedSysexBytes: 0,
    emptySysex: 0,
  };
  private readonly maxSysexBytes: number;
  private command = 0;
  private needed = 0;
  private data: number[] = [];
  private inSysex = false;
  private sysex: number[] = [];

  constructor(opts: FirmataParserOptions = {}) {
    const max = opts.maxSysexBytes ?? DEFAULT_MAX_SYSEX_BYTES;
    this.maxSysexBytes = Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_SYSEX_BYTES;
  }

  /** Forget any partial message (the board rebooted). */
  reset(): void {
    this.command = 0;
    this.needed = 0;
    this.data = [];
    this.inSysex = false;
    this.sysex = [];
  }

  feed(bytes: Iterable<number>, emit: (msg: FirmataHostMessage) => void): void {
    for (const raw of bytes) {
      const byte = raw & 0xff;
      if (this.inSysex) {
        this.sysexByte(byte, emit);
      } else if (byte < 0x80) {
        this.dataByte(byte, emit);
      } else {
        this.statusByte(byte, emit);
      }
    }
  }

  private sysexByte(byte: number, emit: (msg: FirmataHostMessage) => void): void {
    if (byte === END_SYSEX) {
      this.inSysex = false;
      const [command, ...data] = this.sysex;
      this.sysex = [];
      if (command === undefined) this.stats.emptySysex++;
      else emit({ type: 'sysex', command, data });
      return;
    }
    if (this.sysex.length < this.maxSysexBytes) this.sysex.push(byte);
    else this.stats.droppedSysexBytes++;
  }

  private dataByte(byte: number, emit: (msg: FirmataHostMessage) => void): void {
    if (this.needed === 0) {
      this.stats.strayDataBytes++;
      return;
    }
    this.data.push(byte);
    if (this.data.length < this.needed) return;
    const [a = 0, b = 0] = this.data;
    const cmd = this.command;
    this.needed = 0;
    this.data = [];
    const channel = cmd & 0x0f;
    switch (cmd & 0xf0) {
      case DIGITAL_MESSAGE:
        emit({ type: 'digital-port', port: channel, value: a | (b << 7) });
        return;
      case ANALOG_MESSAGE:
        emit({ type: 'analog-write', pin: channel, value: a | (b << 7) });
        return;
      case REPORT_ANALOG:
        emit({ type: 'report-analog', channel, enable: a !== 0 });
        return;
      case REPORT_DIGITAL:
        emit({ type: 'report-digital', port: channel, enable: a !== 0 });
        return;
    }
    if (cmd === SET_PIN_MODE) emit({ type: 'set-pin-mode', pin: a, mode: b });
    else if (cmd === SET_DIGITAL_PIN_VALUE) emit({ type: 'set-pin-value', pin: a, value: b });
  }

  private statusByte(byte: number, emit: (msg: FirmataHostMessage) => void): void {
    if (this.needed > 0) this.stats.truncatedCommands++;
    this.needed = 0;
    this.data = [];
    const high = byte & 0xf0;
    if (
      high === DIGITAL_MESSAGE ||
      high === ANALOG_MESSAGE ||
      byte === SET_PIN_MODE ||
      byte === SET_DIGITAL_PIN_VALUE
    ) {
      this.command = byte;
      this.needed = 2;
    } else if (high === REPORT_ANALOG || high === REPORT_DIGITAL) {
      this.command = byte;
      this.needed = 1;
    } else if (byte === START_SYSEX) {
      this.inSysex = true;
      this.sysex = [];
    } else if (byte === REPORT_VERSION) {
      emit({ type: 'report-version' });
    } else if (byte === SYSTEM_RESET) {
      emit({ type: 'system-reset' });
    } else {
      this.stats.unknownCommands++;
    }
  }
}
