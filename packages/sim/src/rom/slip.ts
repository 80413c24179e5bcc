/**
 * SLIP framing as the ESP ROM loader uses it (esptool docs, advanced-topics/serial-protocol: frames delimited by
 * 0xC0; 0xC0 in the body is sent as 0xDB 0xDC and 0xDB as 0xDB 0xDD).
 */
export const SLIP_END = 0xc0;
export const SLIP_ESC = 0xdb;
export const SLIP_ESC_END = 0xdc;
export const SLIP_ESC_ESC = 0xdd;

export function slipEncode(frame: Uint8Array): Uint8Array {
  const out: number[] = [SLIP_END];
  for (const b of frame) {
    if (b === SLIP_END) out.push(SLIP_ESC, SLIP_ESC_END);
    else if (b === SLIP_ESC) out.push(SLIP_ESC, SLIP_ESC_ESC);
    else out.push(b);
  }
  out.push(SLIP_END);
  return Uint8Array.from(out);
}

export interface SlipDecoderOptions {
  /** Largest frame body kept; a longer one is dropped whole (the ROM's buffer is finite). Default 0x4100. */
  maxFrameBytes?: number;
}

/** Bytes in, complete frames out. Bytes outside a frame (boot noise, a text console) are ignored. */
export class SlipDecoder {
  private readonly max: number;
  private buf: number[] = [];
  private inFrame = false;
  private escaped = false;
  private overflow = false;

  constructor(options: SlipDecoderOptions = {}) {
    this.max = options.maxFrameBytes ?? 0x4100;
  }

  push(bytes: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const b of bytes) {
      if (b === SLIP_END) {
        // esptool frames every packet as C0 body C0: an END opens a frame or closes the open one; bytes between
        // frames are noise (esptool's slip reader skips them too). An empty C0 C0 pair keeps the frame open.
        const closing = this.inFrame && this.buf.length > 0;
        if (closing && !this.overflow) frames.push(Uint8Array.from(this.buf));
        this.inFrame = !closing;
        this.buf = [];
        this.escaped = false;
        this.overflow = false;
        continue;
      }
      if (!this.inFrame) continue;
      let value = b;
      if (this.escaped) {
        value = b === SLIP_ESC_END ? SLIP_END : b === SLIP_ESC_ESC ? SLIP_ESC : b;
        this.escaped = false;
      } else if (b === SLIP_ESC) {
        this.escaped = true;
        continue;
      }
      if (this.buf.length >= this.max) this.overflow = true;
      else this.buf.push(value);
    }
    return frames;
  }
}
