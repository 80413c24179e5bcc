/**
 * FLASH_BEGIN/DATA/END and FLASH_DEFL_BEGIN/DATA/END state: where the current write goes and what has arrived.
 * Payloads per esptool docs advanced-topics/serial-protocol ("Writing Data") and esptool-js esploader.js
 * (flashBegin / flashDeflBegin / flashBlock: size, blocks, block size, offset [, encrypted]; data blocks are
 * (length, seq, 0, 0, bytes) with the 0xEF-xor checksum in the header's checksum field).
 * The deflate stream is inflated once its last block arrives (the host asks for the MD5 only after that); the real
 * stub inflates as blocks arrive, so a corrupt stream is reported one block later here (guess-level difference).
 */
import { inflateSync } from 'node:zlib';
import type { FlashModel } from './flash-model';

export type WriteFailure =
  | 'bad_begin'
  | 'out_of_range'
  | 'not_in_flash_mode'
  | 'bad_checksum'
  | 'bad_seq'
  | 'inflate';

interface Session {
  offset: number;
  blockSize: number;
  blocks: number;
  deflate: boolean;
  /** Uncompressed size for deflate sessions (stub: the first BEGIN field). */
  size: number;
  nextSeq: number;
  compressed: Uint8Array[];
}

export class FlashWriter {
  private session: Session | null = null;
  /** Bytes of flash written in this session of the loader (for the bench's throughput row). */
  written = 0;

  constructor(private readonly flash: FlashModel) {}

  begin(payload: DataView, deflate: boolean): WriteFailure | null {
    if (payload.byteLength < 16) return 'bad_begin';
    const size = payload.getUint32(0, true);
    const blocks = payload.getUint32(4, true);
    const blockSize = payload.getUint32(8, true);
    const offset = payload.getUint32(12, true);
    if (blockSize === 0 || blockSize > 0x10000) return 'bad_begin';
    const span = Math.max(size, deflate ? 0 : blocks * blockSize);
    if (!this.flash.contains(offset, span)) return 'out_of_range';
    this.flash.erase(offset, span);
    this.session = { offset, blockSize, blocks, deflate, size, nextSeq: 0, compressed: [] };
    return null;
  }

  data(payload: Uint8Array, checksum: number, deflate: boolean): WriteFailure | null {
    const s = this.session;
    if (!s || s.deflate !== deflate) return 'not_in_flash_mode';
    if (payload.length < 16) return 'bad_begin';
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const length = view.getUint32(0, true);
    const seq = view.getUint32(4, true);
    const block = payload.subarray(16, 16 + length);
    if (block.length !== length) return 'bad_begin';
    let sum = 0xef;
    for (const b of block) sum ^= b;
    if (sum !== (checksum & 0xff)) return 'bad_checksum';
    if (seq !== s.nextSeq) return 'bad_seq';
    s.nextSeq++;
    if (!deflate) return this.program(s.offset + seq * s.blockSize, block);
    s.compressed.push(block.slice());
    return seq + 1 === s.blocks ? this.inflateAll(s) : null;
  }

  end(deflate: boolean): WriteFailure | null {
    if (this.session && this.session.deflate !== deflate) return 'not_in_flash_mode';
    this.session = null;
    return null;
  }

  private program(offset: number, bytes: Uint8Array): WriteFailure | null {
    if (!this.flash.contains(offset, bytes.length)) return 'out_of_range';
    this.flash.program(offset, bytes);
    this.written += bytes.length;
    return null;
  }

  private inflateAll(s: Session): WriteFailure | null {
    let plain: Uint8Array;
    try {
      plain = inflateSync(Buffer.concat(s.compressed), { maxOutputLength: this.flash.size });
    } catch {
      return 'inflate';
    }
    s.compressed = [];
    return this.program(s.offset, plain);
  }
}
