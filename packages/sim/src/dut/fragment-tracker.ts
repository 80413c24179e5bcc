/**
 * Tells, for each message `ws` delivers, whether it arrived as fragments. arduinoWebSockets does not reassemble
 * (shared/reference/arduinowebsockets-facts.md §5.5, README:19): the firmware gets every fragment on its own and
 * ignores it (PROTOCOL.md 2.4), while `ws` hands over the reassembled message. This passive parser reads the same
 * client bytes as `ws`, frame headers only, and queues one flag per completed data message in stream order.
 */
const HEADER_MAX = 14;

export class FragmentTracker {
  private header = Buffer.alloc(0);
  /** Payload (and mask key) bytes of the current frame still to skip. */
  private skip = 0;
  private fragmented = false;
  private readonly done: boolean[] = [];

  feed(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const take = Math.min(HEADER_MAX - this.header.length, chunk.length - at);
      const h = Buffer.concat([this.header, chunk.subarray(at, at + take)]);
      const used = this.parseHeader(h);
      if (used < 0) {
        this.header = h;
        at += take;
        continue;
      }
      at += used - this.header.length;
      this.header = Buffer.alloc(0);
    }
  }

  /** Whether the next message `ws` emits was fragmented (false when nothing is known). */
  nextWasFragmented(): boolean {
    return this.done.shift() ?? false;
  }

  /** Bytes of `h` the header occupies, or -1 while incomplete. Sets `skip` to the rest of the frame. */
  private parseHeader(h: Buffer): number {
    if (h.length < 2) return -1;
    const fin = (h[0]! & 0x80) !== 0;
    const opcode = h[0]! & 0x0f;
    const masked = (h[1]! & 0x80) !== 0;
    const len7 = h[1]! & 0x7f;
    const extra = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    if (h.length < 2 + extra) return -1;
    const len = len7 === 126 ? h.readUInt16BE(2) : len7 === 127 ? Number(h.readBigUInt64BE(2)) : len7;
    this.skip = len + (masked ? 4 : 0);
    if (opcode < 8) this.dataFrame(opcode, fin);
    return 2 + extra;
  }

  private dataFrame(opcode: number, fin: boolean): void {
    if (opcode !== 0 && !fin) this.fragmented = true;
    else if (fin) {
      this.done.push(this.fragmented || opcode === 0);
      this.fragmented = false;
    }
  }
}
