/**
 * Host -> DUT serial byte stream: newline-terminated lines (JSON requests or human typing) and Improv
 * packets that start at a line boundary. Bounded: an overlong line is dropped up to its newline and
 * reported once, like the firmware's fixed line buffer.
 */
import { type ImprovParse, parseImprovPacket } from './improv-device';

/** The firmware's serial line buffer. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024;

export type SerialInputItem =
  | { kind: 'line'; text: string }
  | { kind: 'overlong'; bytes: number }
  | { kind: 'improv'; result: ImprovParse };

const MAGIC = [0x49, 0x4d, 0x50, 0x52, 0x4f, 0x56];

export class SerialInput {
  private line: number[] = [];
  private dropping = 0;
  private improv: { header: number[]; data: number[]; need: number } | null = null;
  constructor(private readonly maxLine: number = DEFAULT_MAX_LINE_BYTES) {}

  push(bytes: Uint8Array): SerialInputItem[] {
    const out: SerialInputItem[] = [];
    for (const b of bytes) {
      if (this.improv) {
        const p = this.improv;
        if (p.header.length < 3) {
          p.header.push(b);
          if (p.header.length === 3) p.need = p.header[2]!;
          continue;
        }
        if (p.data.length < p.need) {
          p.data.push(b);
          continue;
        }
        this.improv = null;
        out.push({ kind: 'improv', result: parseImprovPacket(p.header, p.data, b) });
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
      if (this.line.length === MAGIC.length && this.line.every((x, i) => x === MAGIC[i])) {
        this.line = [];
        // version byte + type + length follow; the version is kept in the header for the checksum.
        this.improv = { header: [], data: [], need: 0 };
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
