/**
 * Serial console framer: raw bytes from an ESP32 UART in, typed items out.
 *
 * The console carries ROM boot noise, app log lines, machine lines (SERIAL_MACHINE_PREFIX + one JSON object)
 * and binary Improv packets that may start anywhere, even in the middle of a log line. The framer works byte by
 * byte, so the items never depend on how the stream was split into chunks.
 *
 * - Line endings: CR, LF and CRLF all end a line; empty lines are skipped (that is what makes CRLF one ending).
 * - Improv: "IMPROV" + version 1 starts a packet; its length byte says where it ends, so CR/LF bytes inside it
 *   are data. Text around a packet stays one line. A packet with a bad checksum is reported and its bytes
 *   (after the magic) are scanned again as text, so a false start or a dropped byte loses no data.
 * - Machine lines: bytes that are not printable ASCII before the prefix are boot noise and are dropped (counted).
 * - Lines longer than maxLineBytes: the first maxLineBytes are emitted with `truncated: true` (a machine line
 *   becomes a `too_large` machine-error), the rest up to the line end is dropped and counted.
 * It never throws.
 */

import { decodeSerialMachineLine } from '../codec/serial-line';
import type { DecodeError, DecodeResult } from '../codec/types';
import { SERIAL_MACHINE_PREFIX, type SerialMachineLine } from '../messages';
import {
  decodeImprovPacket,
  IMPROV_HEADER_BYTES,
  IMPROV_MAGIC,
  IMPROV_VERSION,
  type ImprovDecodeError,
  type ImprovPacket,
} from './improv';

export const DEFAULT_SERIAL_LINE_BYTES = 1024;
/** Longest raw excerpt carried by a machine-error item. */
export const SERIAL_ERROR_EXCERPT_CHARS = 160;

/** What a machine-line decoder returns: the codec's DecodeResult. */
export type MachineDecodeResult<M> = DecodeResult<M>;
/** Error of a machine line: the codec's DecodeError (code, path, message, id). */
export type MachineLineError = DecodeError;

/**
 * One framed item. `M` is what machine lines decode to: device output (SerialMachineLine) by default; a device
 * or simulator reading host requests uses SerialFramer<Request> with a request decoder.
 */
export type SerialItem<M = SerialMachineLine> =
  | { kind: 'line'; text: string; truncated?: true }
  | { kind: 'machine'; message: M; raw: string }
  | { kind: 'machine-error'; error: MachineLineError; raw: string }
  | { kind: 'improv'; packet: ImprovPacket }
  | { kind: 'improv-error'; error: ImprovDecodeError; raw: Uint8Array };

export interface SerialFramerOptions<M = SerialMachineLine> {
  /** Longest line kept, in bytes (line ending excluded). Default DEFAULT_SERIAL_LINE_BYTES. */
  maxLineBytes?: number;
  /**
   * Decoder for the JSON after the machine prefix. Default: decodeSerialMachineLine (device output); pass one
   * whenever M is not SerialMachineLine (e.g. decodeRequest on the device side).
   */
  decodeMachineLine?: (json: string) => MachineDecodeResult<M>;
}

export interface SerialFramerStats {
  bytesIn: number;
  lines: number;
  machineLines: number;
  machineErrors: number;
  improvPackets: number;
  /** Improv packets with a bad checksum, bad payload or cut off by the end of the stream. */
  badImprovPackets: number;
  /** Bytes discarded: tails of overlong lines and noise in front of machine lines. */
  droppedBytes: number;
  overlongLines: number;
}

const CR = 0x0d;
const LF = 0x0a;
const textEncoder = new TextEncoder();
const PREFIX = textEncoder.encode(SERIAL_MACHINE_PREFIX);
const MAGIC_LEN = IMPROV_MAGIC.length;

function isPrintableAscii(b: number): boolean {
  return b >= 0x20 && b < 0x7f;
}

function excerpt(text: string, max = SERIAL_ERROR_EXCERPT_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

export class SerialFramer<M = SerialMachineLine> {
  readonly maxLineBytes: number;
  private readonly decodeMachine: (json: string) => MachineDecodeResult<M>;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  private readonly line: Uint8Array;
  private lineLen = 0;
  /** In the tail of an overlong line: bytes are dropped until the next line ending. */
  private discarding = false;
  /** How many bytes of IMPROV_MAGIC were just seen (held back, not yet text). */
  private magicMatched = 0;
  /** Bytes of the Improv packet being read (magic included), or null. */
  private packet: number[] | null = null;
  private packetSize = 0;
  private out: SerialItem<M>[] = [];
  private readonly counters: SerialFramerStats = {
    bytesIn: 0,
    lines: 0,
    machineLines: 0,
    machineErrors: 0,
    improvPackets: 0,
    badImprovPackets: 0,
    droppedBytes: 0,
    overlongLines: 0,
  };

  constructor(opts: SerialFramerOptions<M> = {}) {
    const max = opts.maxLineBytes ?? DEFAULT_SERIAL_LINE_BYTES;
    // A buffer shorter than the prefix could never hold a machine line.
    this.maxLineBytes = Number.isFinite(max)
      ? Math.max(PREFIX.length + 2, Math.floor(max))
      : DEFAULT_SERIAL_LINE_BYTES;
    this.line = new Uint8Array(this.maxLineBytes);
    this.decodeMachine =
      opts.decodeMachineLine ??
      (decodeSerialMachineLine as unknown as (json: string) => MachineDecodeResult<M>);
  }

  get stats(): SerialFramerStats {
    return { ...this.counters };
  }

  /** Feeds bytes; returns the items they completed. */
  push(chunk: Uint8Array | string): SerialItem<M>[] {
    const bytes = typeof chunk === 'string' ? textEncoder.encode(chunk) : chunk;
    this.counters.bytesIn += bytes.length;
    this.scan(bytes);
    return this.take();
  }

  /** End of stream: emits the unterminated last line and reports an unfinished Improv packet. */
  flush(): SerialItem<M>[] {
    while (this.packet !== null) {
      const pkt = Uint8Array.from(this.packet);
      this.counters.badImprovPackets++;
      this.out.push({
        kind: 'improv-error',
        error: { code: 'too_short', message: `stream ended ${pkt.length} bytes into an Improv packet` },
        raw: pkt,
      });
      this.abortPacket(pkt);
    }
    this.releaseMagic();
    this.endLine();
    return this.take();
  }

  /** Drops any partial line or packet (e.g. after a reset), keeping the counters. */
  reset(): void {
    this.lineLen = 0;
    this.discarding = false;
    this.magicMatched = 0;
    this.packet = null;
    this.packetSize = 0;
  }

  private take(): SerialItem<M>[] {
    const items = this.out;
    this.out = [];
    return items;
  }

  private scan(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.byte(bytes[i] ?? 0);
  }

  private byte(b: number): void {
    if (this.packet !== null) {
      this.packetByte(b);
      return;
    }
    if (b === IMPROV_MAGIC[this.magicMatched]) {
      this.magicMatched++;
      if (this.magicMatched === MAGIC_LEN) {
        this.magicMatched = 0;
        this.packet = [...IMPROV_MAGIC];
        this.packetSize = 0;
      }
      return;
    }
    if (this.magicMatched > 0) {
      this.releaseMagic();
      // No letter of "IMPROV" repeats, so only a fresh "I" can restart the match.
      if (b === IMPROV_MAGIC[0]) {
        this.magicMatched = 1;
        return;
      }
    }
    if (b === CR || b === LF) this.endLine();
    else this.text(b);
  }

  private packetByte(b: number): void {
    const pkt = this.packet;
    if (pkt === null) return;
    pkt.push(b);
    if (pkt.length === MAGIC_LEN + 1 && b !== IMPROV_VERSION) {
      // "IMPROV" in ordinary text: not a packet.
      this.abortPacket(Uint8Array.from(pkt));
      return;
    }
    if (pkt.length === IMPROV_HEADER_BYTES) this.packetSize = IMPROV_HEADER_BYTES + b + 1;
    if (this.packetSize === 0 || pkt.length < this.packetSize) return;
    const raw = Uint8Array.from(pkt);
    this.packet = null;
    const result = decodeImprovPacket(raw);
    if (result.ok) {
      this.counters.improvPackets++;
      this.out.push({ kind: 'improv', packet: result.packet });
      return;
    }
    this.counters.badImprovPackets++;
    this.out.push({ kind: 'improv-error', error: result.error, raw });
    if (result.error.code === 'bad_checksum') this.abortPacket(raw);
  }

  /** Not a (valid) packet: the magic becomes text and the rest is scanned again. */
  private abortPacket(raw: Uint8Array): void {
    this.packet = null;
    this.packetSize = 0;
    for (let i = 0; i < MAGIC_LEN; i++) this.text(raw[i] ?? 0);
    this.scan(raw.subarray(MAGIC_LEN));
  }

  private releaseMagic(): void {
    for (let i = 0; i < this.magicMatched; i++) this.text(IMPROV_MAGIC[i] ?? 0);
    this.magicMatched = 0;
  }

  private text(b: number): void {
    if (this.discarding) {
      this.counters.droppedBytes++;
      return;
    }
    if (this.lineLen === this.maxLineBytes) {
      this.counters.overlongLines++;
      this.counters.droppedBytes++;
      this.emit(this.line.subarray(0, this.lineLen), true);
      this.lineLen = 0;
      this.discarding = true;
      return;
    }
    this.line[this.lineLen++] = b;
  }

  private endLine(): void {
    if (this.discarding) {
      this.discarding = false;
      this.lineLen = 0;
      return;
    }
    if (this.lineLen === 0) return;
    this.emit(this.line.subarray(0, this.lineLen), false);
    this.lineLen = 0;
  }

  private machineStart(bytes: Uint8Array): number {
    let start = 0;
    while (start < bytes.length && !isPrintableAscii(bytes[start] ?? 0)) start++;
    if (bytes.length - start < PREFIX.length) return -1;
    for (let i = 0; i < PREFIX.length; i++) if (bytes[start + i] !== PREFIX[i]) return -1;
    return start;
  }

  private emit(bytes: Uint8Array, truncated: boolean): void {
    const start = this.machineStart(bytes);
    if (start < 0) {
      this.counters.lines++;
      const text = this.decoder.decode(bytes);
      this.out.push(truncated ? { kind: 'line', text, truncated } : { kind: 'line', text });
      return;
    }
    this.counters.droppedBytes += start;
    const raw = this.decoder.decode(bytes.subarray(start + PREFIX.length));
    if (truncated) {
      this.counters.machineErrors++;
      this.out.push({
        kind: 'machine-error',
        error: {
          code: 'too_large',
          path: '',
          message: `machine line longer than ${this.maxLineBytes} bytes (raise maxLineBytes or shorten the message)`,
          id: null,
        },
        raw: excerpt(raw),
      });
      return;
    }
    let result: MachineDecodeResult<M>;
    try {
      result = this.decodeMachine(raw);
    } catch (e) {
      // A custom decoder must not be able to break the stream.
      result = {
        ok: false,
        error: { code: 'internal', path: '', message: `decoder threw: ${(e as Error).message}`, id: null },
      };
    }
    if (result.ok) {
      this.counters.machineLines++;
      this.out.push({ kind: 'machine', message: result.value, raw });
    } else {
      this.counters.machineErrors++;
      this.out.push({ kind: 'machine-error', error: result.error, raw: excerpt(raw) });
    }
  }
}
