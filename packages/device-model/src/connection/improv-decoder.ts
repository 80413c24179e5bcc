/**
 * The device's Improv reader on its console RX: one byte at a time, packets picked out of the stream wherever they
 * start, everything else handed back as text for the line assembler (apps/firmware/src/core/improv.cpp Decoder).
 * Framing constants and the checksum are @esphil/protocol's. Unlike the host's SerialFramer, a packet with a bad
 * checksum is dropped whole (the device answers it with an error, device.cpp onSerialBytes), as the Improv SDK's
 * serial parser does (improv-wifi/sdk-cpp improv.cpp parse_improv_serial_byte).
 */
import { IMPROV_HEADER_BYTES, IMPROV_MAGIC, IMPROV_VERSION, improvChecksum } from '@esphil/protocol';

export type ImprovFeed =
  /** Bytes that are not part of a packet (a held-back "IMPR..." included), for the line assembler. */
  | { kind: 'text'; bytes: readonly number[] }
  /** Held back: part of a magic or of a packet. */
  | { kind: 'pending' }
  /** A whole packet with a good checksum: its type byte and data. */
  | { kind: 'packet'; type: number; data: Uint8Array }
  /** A whole packet whose checksum does not match. */
  | { kind: 'bad-checksum' };

const PENDING: ImprovFeed = { kind: 'pending' };
const MAGIC_LEN = IMPROV_MAGIC.length;

export class ImprovStreamDecoder {
  /** How many bytes of the magic were just seen. */
  private matched = 0;
  /** The packet being read (magic included), or null. */
  private raw: number[] | null = null;
  private total = 0;

  feed(b: number): ImprovFeed {
    if (this.raw === null) return this.magic(b);
    const raw = this.raw;
    raw.push(b);
    if (raw.length === MAGIC_LEN + 1 && b !== IMPROV_VERSION) {
      // "IMPROV" in text, not a packet: it goes on as text and this byte starts over (PROTOCOL.md 11.3).
      this.raw = null;
      return this.release(MAGIC_LEN, b);
    }
    if (raw.length === IMPROV_HEADER_BYTES) this.total = IMPROV_HEADER_BYTES + b + 1;
    if (this.total === 0 || raw.length < this.total) return PENDING;
    this.raw = null;
    this.total = 0;
    const bytes = Uint8Array.from(raw);
    if (improvChecksum(bytes, bytes.length - 1) !== bytes[bytes.length - 1]) return { kind: 'bad-checksum' };
    return {
      kind: 'packet',
      type: bytes[7] ?? 0,
      data: bytes.subarray(IMPROV_HEADER_BYTES, bytes.length - 1),
    };
  }

  private magic(b: number): ImprovFeed {
    if (b === IMPROV_MAGIC[this.matched]) {
      this.matched += 1;
      if (this.matched === MAGIC_LEN) {
        this.matched = 0;
        this.raw = [...IMPROV_MAGIC];
      }
      return PENDING;
    }
    const held = this.matched;
    this.matched = 0;
    return this.release(held, b);
  }

  /** The first `held` magic bytes become text, then `b` is tried as a fresh start. */
  private release(held: number, b: number): ImprovFeed {
    const bytes = IMPROV_MAGIC.slice(0, held);
    // No letter of "IMPROV" repeats: only an "I" can start a new match.
    if (b === IMPROV_MAGIC[0]) this.matched = 1;
    else bytes.push(b);
    return bytes.length === 0 ? PENDING : { kind: 'text', bytes };
  }
}
