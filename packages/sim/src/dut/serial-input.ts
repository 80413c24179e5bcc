/**
 * Host -> DUT serial byte stream: newline-terminated lines (JSON requests or human typing) and Improv
 * packets that start at a line boundary. Bounded: an overlong line is dropped up to its newline and
 * reported once, like the firmware's fixed line buffer.
 */
import {
  decodeImprovPacket,
  IMPROV_HEADER_BYTES,
  IMPROV_MAGIC,
  type ImprovDecodeResult,
} from '@esphil/protocol';

/** The firmware's serial line buffer. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024;

export type SerialInputItem =
  | { kind: 'line'; text: string }
  | { kind: 'overlong'; bytes: number }
  | { kind: 'improv'; result: ImprovDecodeResult };

export class SerialInput {
  private line: number[] = [];
  private dropping = 0;
  /** The Improv packet being read: its bytes so far (magic included) and its full length once known. */
  private improv: { bytes: number[]; total: number } | null = null;
  constructor(private readonly maxLine: number = DEFAULT_MAX_LINE_BYTES) {}

  push(bytes: Uint8Array): SerialInputItem[] {
    const out: SerialInputItem[] = [];
    for (const b of bytes) {
      if (this.improv) {
        const p = this.improv;
        p.bytes.push(b);
        // The length byte ends the header: data and the checksum byte follow.
        if (p.bytes.length === IMPROV_HEADER_BYTES) p.total = IMPROV_HEADER_BYTES + b + 1;
        if (p.bytes.length === p.total) {
          this.improv = null;
          out.push({ kind: 'improv', result: decodeImprovPacket(Uint8Array.from(p.bytes)) });
        }
        continue;
      }
      if (b === 0x0a) {
        if (this.dropping > 0) {
          out.push({ kind: 'overlong', bytes: this.dropping });
          this.dropping = 0;
        } else {
          const text = Buffer.from(this.line).toString('utf8').replace(/\r$/, '');
          out.push({ kind: 'line', text });
        }
        this.line = [];
        continue;
      }
      if (this.dropping > 0) {
        this.dropping++;
        continue;
      }
      this.line.push(b);
      if (this.line.length === IMPROV_MAGIC.length && this.line.every((x, i) => x === IMPROV_MAGIC[i])) {
        // Version, type and length follow; the whole packet goes to protocol's decoder (it checks all of it).
        this.improv = { bytes: this.line, total: Number.POSITIVE_INFINITY };
        this.line = [];
        continue;
      }
      if (this.line.length > this.maxLine) {
        this.dropping = this.line.length;
        this.line = [];
      }
    }
    return out;
  }
}
