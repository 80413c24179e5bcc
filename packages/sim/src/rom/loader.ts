/**
 * The ROM serial loader and, once uploaded, the flasher stub, as the host sees them over UART0.
 * Protocol: esptool docs advanced-topics/serial-protocol and esptool-facts.md. Requests: direction 0x00, command,
 * size u16, checksum u32, payload. Answers: direction 0x01, command, size u16, value u32, data, status bytes.
 */
import { md5, toHex } from '@esphil/device-model';
import type { ChipRom } from './chip-rom';
import type { FlashModel } from './flash-model';
import { FlashWriter, type WriteFailure } from './flash-writer';
import { RegisterFile } from './registers';
import { SlipDecoder, slipEncode } from './slip';

export const ROM_BAUD = 115200;

export const CMD = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  GET_SECURITY_INFO: 0x14,
} as const;

/**
 * Error bytes. ROM: 0x05 "received message is invalid", 0x06 failed to act, 0x07 invalid CRC, 0x08 flash write
 * error, 0x0B deflate error (esptool docs, serial-protocol "Status bytes"). Stub: 0xC0.. range of the same page;
 * the exact stub numbers are unverified (nothing here tells them apart, only non-zero status matters to hosts).
 */
const ROM_ERR = { invalid: 0x05, failed: 0x06, crc: 0x07, flashWrite: 0x08, deflate: 0x0b } as const;
const STUB_ERR = {
  invalid: 0xc3,
  failed: 0xc4,
  crc: 0xc1,
  flashWrite: 0xc4,
  deflate: 0xc7,
  notInFlash: 0xc6,
} as const;

export interface RomLoaderOptions {
  rom: ChipRom;
  flash: FlashModel;
  mac: Uint8Array;
  /** Bytes to the host. */
  send(bytes: Uint8Array): void;
  /** The UART's new rate (after the CHANGE_BAUDRATE answer went out at the old one). */
  setBaud(baud: number): void;
  /** FLASH_END / FLASH_DEFL_END asking to run the app. */
  runUserCode(): void;
}

interface Reply {
  value?: number;
  data?: Uint8Array;
  error?: number;
}

export class RomLoader {
  private readonly slip = new SlipDecoder();
  private readonly regs: RegisterFile;
  private readonly writer: FlashWriter;
  private stub = false;
  private memEntry: number | null = null;
  /** Commands received, in order (tests and the bench read it). */
  readonly trace: number[] = [];

  constructor(private readonly opts: RomLoaderOptions) {
    this.regs = new RegisterFile(opts.rom, opts.mac, ROM_BAUD);
    this.writer = new FlashWriter(opts.flash);
  }

  get stubRunning(): boolean {
    return this.stub;
  }

  get bytesWritten(): number {
    return this.writer.written;
  }

  push(bytes: Uint8Array): void {
    for (const frame of this.slip.push(bytes)) this.onFrame(frame);
  }

  private onFrame(frame: Uint8Array): void {
    if (frame.length < 8 || frame[0] !== 0x00) return;
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const op = frame[1] as number;
    const size = view.getUint16(2, true);
    const checksum = view.getUint32(4, true);
    const payload = frame.subarray(8, 8 + size);
    if (payload.length !== size) return;
    this.trace.push(op);
    const reply = this.dispatch(op, payload, checksum);
    if (reply === null) return;
    if (reply === 'unsupported') {
      this.answerUnsupported();
      return;
    }
    if (op === CMD.SYNC) {
      // The ROM answers one SYNC eight times (esptool-js sync() reads 1 + 7 answers; esptool.py likewise drains them).
      for (let i = 0; i < 8; i++) this.answer(op, reply);
      return;
    }
    this.answer(op, reply);
    if (op === CMD.CHANGE_BAUDRATE && reply.error === undefined) {
      const baud = view.getUint32(8, true);
      this.regs.setBaud(baud);
      this.opts.setBaud(baud);
    }
    if (op === CMD.MEM_END && this.memEntry !== null) this.startStub();
  }

  private errors() {
    return this.stub ? STUB_ERR : ROM_ERR;
  }

  private dispatch(op: number, payload: Uint8Array, checksum: number): Reply | 'unsupported' | null {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const u32 = (at: number) => (payload.length >= at + 4 ? view.getUint32(at, true) : 0);
    switch (op) {
      case CMD.SYNC:
        // ROM: a non-zero value; the stub answers 0 (esptool-js sync(): "ROM bootloaders send some non-zero val").
        // The exact ROM value is a guess (the first four payload bytes).
        return { value: this.stub ? 0 : 0x20120707 };
      case CMD.READ_REG:
        return { value: this.regs.read(u32(0)) };
      case CMD.WRITE_REG:
        // Groups of (address, value, mask, delay) (esptool-js writeReg); all applied.
        for (let at = 0; at + 16 <= payload.length; at += 16)
          this.regs.write(u32(at), u32(at + 4), u32(at + 8));
        return {};
      case CMD.SPI_ATTACH:
      case CMD.SPI_SET_PARAMS:
        // Accepted and ignored: esptool.py sends them, esptool-js never does (esptool-facts.md). Whether the real
        // ROM needs SPI_ATTACH before a flash write is a guess to confirm against a --trace capture.
        return {};
      case CMD.MEM_BEGIN:
        this.memEntry = null;
        return {};
      case CMD.MEM_DATA:
        // Payload: size, seq, 0, 0 (u32 each), then data; the checksum covers the data only (esptool docs
        // serial-protocol "Checksum", esptool-js memBlock).
        return this.checkBlock(payload, checksum) ? {} : { error: this.errors().crc };
      case CMD.MEM_END:
        // (no-entry flag, entry address): flag 0 = jump to the entry (esptool-js memFinish).
        this.memEntry = u32(0) === 0 ? u32(4) : null;
        return {};
      case CMD.CHANGE_BAUDRATE:
        // Payload: new baud, old baud (0 from the ROM) (esptool-facts.md, esptool-js changeBaud).
        return u32(0) > 0 ? {} : { error: this.errors().invalid };
      case CMD.FLASH_BEGIN:
      case CMD.FLASH_DEFL_BEGIN:
        return this.writeResult(this.writer.begin(view, op === CMD.FLASH_DEFL_BEGIN));
      case CMD.FLASH_DATA:
      case CMD.FLASH_DEFL_DATA:
        return this.writeResult(this.writer.data(payload, checksum, op === CMD.FLASH_DEFL_DATA));
      case CMD.FLASH_END:
      case CMD.FLASH_DEFL_END:
        return this.finish(op, u32(0));
      case CMD.SPI_FLASH_MD5:
        return this.md5(u32(0), u32(4));
      case CMD.GET_SECURITY_INFO:
        return this.securityInfo();
      default:
        return 'unsupported';
    }
  }

  private checkBlock(payload: Uint8Array, checksum: number): boolean {
    let sum = 0xef;
    for (const b of payload.subarray(16)) sum ^= b;
    return sum === (checksum & 0xff);
  }

  private writeResult(failure: WriteFailure | null): Reply {
    if (failure === null) return {};
    const e = this.errors();
    const code =
      failure === 'bad_checksum'
        ? e.crc
        : failure === 'inflate'
          ? e.deflate
          : failure === 'not_in_flash_mode' && this.stub
            ? STUB_ERR.notInFlash
            : e.failed;
    return { error: code };
  }

  private finish(op: number, stayFlag: number): Reply {
    const failure = this.writer.end(op === CMD.FLASH_DEFL_END);
    // Flag 0 = reboot into the app (esptool-js flashFinish(reboot): `reboot ? 0 : 1`).
    if (failure === null && stayFlag === 0) queueMicrotask(() => this.opts.runUserCode());
    return this.writeResult(failure);
  }

  /** ROM: 32 ASCII hex characters; stub: 16 raw bytes (esptool-facts.md, esptool loader.py flash_md5sum). */
  private md5(offset: number, size: number): Reply {
    if (!this.opts.flash.contains(offset, size)) return { error: this.errors().failed };
    const digest = md5(this.opts.flash.read(offset, size));
    return { data: this.stub ? digest : new TextEncoder().encode(toHex(digest)) };
  }

  /**
   * S3/C3 ROMs: flags u32, flash_crypt_cnt u8, key_purposes 7 bytes, chip_id u32, eco/api version u32 (esptool docs
   * serial-protocol GET_SECURITY_INFO, esptool-js getSecurityInfo). All security features off (guess: a dev board).
   * The ESP32 ROM has no such command.
   */
  private securityInfo(): Reply | 'unsupported' {
    const id = this.opts.rom.securityChipId;
    if (id === null) return 'unsupported';
    const data = new Uint8Array(20);
    const view = new DataView(data.buffer);
    view.setUint32(12, id, true);
    view.setUint32(16, 0, true);
    return { data };
  }

  private answer(op: number, reply: Reply): void {
    const data = reply.data ?? new Uint8Array(0);
    const statusBytes = this.stub ? 2 : this.opts.rom.romStatusBytes;
    const body = new Uint8Array(8 + data.length + statusBytes);
    const view = new DataView(body.buffer);
    body[0] = 0x01;
    body[1] = op;
    view.setUint16(2, data.length + statusBytes, true);
    view.setUint32(4, reply.value ?? 0, true);
    body.set(data, 8);
    if (reply.error !== undefined) {
      body[8 + data.length] = 1;
      body[9 + data.length] = reply.error;
    }
    this.opts.send(slipEncode(body));
  }

  /**
   * An unknown command: status 1, error 0x05, under another command byte, which esptool and esptool-js turn into
   * "unsupported command" (loader.py check_command / esploader.js readPacket compare the command byte first).
   * Which byte the ROM puts there is a guess (0x00).
   */
  private answerUnsupported(): void {
    this.answer(0x00, { error: ROM_ERR.invalid });
  }

  /** The uploaded stub starts and greets the host with a SLIP frame holding "OHAI" (esptool-js runStub). */
  private startStub(): void {
    this.stub = true;
    this.memEntry = null;
    this.opts.send(slipEncode(new TextEncoder().encode('OHAI')));
  }
}
