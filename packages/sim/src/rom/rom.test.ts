import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { buildAppImage, buildOtadata, buildPartitionTable, defaultFlashLayout } from '@esphil/device-model';
import { describe, expect, it } from 'vitest';
import {
  bootFromFlash,
  CHIP_ROMS,
  CMD,
  defaultImageSet,
  FlashModel,
  flashWithImages,
  RomLoader,
  SlipDecoder,
  slipEncode,
} from './index';

function request(op: number, payload: Uint8Array = new Uint8Array(0), checksum = 0): Uint8Array {
  const body = new Uint8Array(8 + payload.length);
  const view = new DataView(body.buffer);
  body[1] = op;
  view.setUint16(2, payload.length, true);
  view.setUint32(4, checksum, true);
  body.set(payload, 8);
  return slipEncode(body);
}

const words = (...values: number[]) => {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => {
    new DataView(out.buffer).setUint32(i * 4, v >>> 0, true);
  });
  return out;
};

const xorSum = (data: Uint8Array) => data.reduce((s, b) => s ^ b, 0xef);

interface Answer {
  op: number;
  value: number;
  data: Uint8Array;
}

function harness(chip: keyof typeof CHIP_ROMS = 'esp32', flash = new FlashModel()) {
  const answers: Answer[] = [];
  const raw: Uint8Array[] = [];
  const bauds: number[] = [];
  let userCode = 0;
  const decoder = new SlipDecoder();
  const loader = new RomLoader({
    rom: CHIP_ROMS[chip],
    flash,
    mac: Uint8Array.from([0x24, 0x0a, 0xc4, 1, 2, 3]),
    send: (bytes) => {
      for (const f of decoder.push(bytes)) {
        raw.push(f);
        if (f.length < 8) continue;
        const view = new DataView(f.buffer, f.byteOffset, f.byteLength);
        answers.push({ op: f[1] as number, value: view.getUint32(4, true), data: f.subarray(8) });
      }
    },
    setBaud: (b) => bauds.push(b),
    runUserCode: () => userCode++,
  });
  const ask = (op: number, payload?: Uint8Array, checksum?: number): Answer => {
    const before = answers.length;
    loader.push(request(op, payload, checksum));
    const got = answers[before];
    if (!got) throw new Error(`no answer to 0x${op.toString(16)}`);
    return got;
  };
  return { loader, answers, raw, bauds, ask, flash, userCode: () => userCode };
}

describe('SLIP', () => {
  it('escapes C0 and DB and ignores bytes between frames', () => {
    const body = Uint8Array.from([1, 0xc0, 2, 0xdb, 3]);
    const wire = slipEncode(body);
    expect(Array.from(wire)).toEqual([0xc0, 1, 0xdb, 0xdc, 2, 0xdb, 0xdd, 3, 0xc0]);
    const frames = new SlipDecoder().push(Uint8Array.from([0x41, 0x42, ...wire, 0x0a, ...wire]));
    expect(frames.map((f) => Array.from(f))).toEqual([Array.from(body), Array.from(body)]);
  });

  it('drops a frame longer than its limit', () => {
    const decoder = new SlipDecoder({ maxFrameBytes: 4 });
    expect(decoder.push(slipEncode(new Uint8Array(10)))).toEqual([]);
    expect(decoder.push(slipEncode(new Uint8Array(3)))).toHaveLength(1);
  });
});

describe('ROM loader answers', () => {
  it('answers SYNC eight times with a non-zero value, and the chip magic', () => {
    const h = harness();
    h.ask(CMD.SYNC, Uint8Array.from([7, 7, 0x12, 0x20, ...new Array(32).fill(0x55)]));
    expect(h.answers.filter((a) => a.op === CMD.SYNC)).toHaveLength(8);
    expect(h.answers[0]?.value).not.toBe(0);
    expect(h.ask(CMD.READ_REG, words(0x40001000)).value).toBe(0x00f01d83);
  });

  it('ESP32 ROM: 4 status bytes, no GET_SECURITY_INFO (error 0x05 under another command byte)', () => {
    const h = harness('esp32');
    expect(h.ask(CMD.READ_REG, words(0)).data).toHaveLength(4);
    const a = h.ask(CMD.GET_SECURITY_INFO);
    expect(a.op).not.toBe(CMD.GET_SECURITY_INFO);
    expect(Array.from(a.data.subarray(0, 2))).toEqual([1, 0x05]);
  });

  it('S3/C3 ROM: 2 status bytes and the chip id in GET_SECURITY_INFO', () => {
    expect(harness('esp32-s3').ask(CMD.GET_SECURITY_INFO).data.subarray(12, 16)).toEqual(words(9));
    const c3 = harness('esp32-c3').ask(CMD.GET_SECURITY_INFO);
    expect(c3.data.subarray(12, 16)).toEqual(words(5));
    expect(c3.data).toHaveLength(22);
  });

  it('reports the MAC through the efuse words esptool reads', () => {
    const h = harness();
    expect(h.ask(CMD.READ_REG, words(0x3ff5a004)).value).toBe(0xc4010203);
    expect(h.ask(CMD.READ_REG, words(0x3ff5a008)).value).toBe(0x240a);
  });

  it('reads the flash id through the SPI user command', () => {
    const h = harness();
    const base = CHIP_ROMS.esp32.spiRegBase;
    h.ask(CMD.WRITE_REG, words(base + 0x24, 0x70000000 | 0x9f, 0xffffffff, 0));
    h.ask(CMD.WRITE_REG, words(base, 1 << 18, 0xffffffff, 0));
    expect(h.ask(CMD.READ_REG, words(base)).value & (1 << 18)).toBe(0);
    expect(h.ask(CMD.READ_REG, words(base + 0x80)).value).toBe(0x1640ef);
  });

  it('starts the stub on MEM_END with an entry and says OHAI; then 2 status bytes and raw MD5', () => {
    const h = harness('esp32', flashWithImages([{ offset: 0, name: 'x', data: Uint8Array.from([1, 2, 3]) }]));
    const block = Uint8Array.from([9, 9, 9]);
    h.ask(CMD.MEM_BEGIN, words(3, 1, 0x1800, 0x40080000));
    expect(h.ask(CMD.MEM_DATA, Uint8Array.from([...words(3, 0, 0, 0), ...block]), 0).data[0]).toBe(1);
    expect(
      h.ask(CMD.MEM_DATA, Uint8Array.from([...words(3, 0, 0, 0), ...block]), xorSum(block)).data[0],
    ).toBe(0);
    const romMd5 = h.ask(CMD.SPI_FLASH_MD5, words(0, 3, 0, 0)).data;
    const expected = createHash('md5')
      .update(Uint8Array.from([1, 2, 3]))
      .digest();
    expect(Buffer.from(romMd5.subarray(0, 32)).toString('latin1')).toBe(expected.toString('hex'));
    h.ask(CMD.MEM_END, words(0, 0x40080000));
    expect(Buffer.from(h.raw.at(-1) ?? []).toString('latin1')).toBe('OHAI');
    expect(h.loader.stubRunning).toBe(true);
    const stubMd5 = h.ask(CMD.SPI_FLASH_MD5, words(0, 3, 0, 0)).data;
    expect(Buffer.from(stubMd5.subarray(0, 16))).toEqual(expected);
    expect(stubMd5).toHaveLength(18);
  });

  it('changes baud only after answering at the old rate', () => {
    const h = harness();
    const before = h.answers.length;
    h.loader.push(request(CMD.CHANGE_BAUDRATE, words(460800, 0)));
    expect(h.answers.length).toBe(before + 1);
    expect(h.bauds).toEqual([460800]);
  });

  it('writes plain and deflated blocks, refuses a bad checksum, and runs the app on FLASH_END(0)', () => {
    const h = harness();
    const data = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    h.ask(CMD.FLASH_BEGIN, words(0x2000, 2, 0x1000, 0x20000, 0));
    const first = data.subarray(0, 0x1000);
    expect(h.ask(CMD.FLASH_DATA, Uint8Array.from([...words(0x1000, 0, 0, 0), ...first]), 0x12).data[1]).toBe(
      0x07,
    );
    h.ask(CMD.FLASH_DATA, Uint8Array.from([...words(0x1000, 0, 0, 0), ...first]), xorSum(first));
    expect(Array.from(h.flash.read(0x20000, 16))).toEqual(Array.from(first.subarray(0, 16)));
    const packed = deflateSync(data);
    h.ask(CMD.FLASH_DEFL_BEGIN, words(data.length, 1, 0x4000, 0x30000, 0));
    expect(
      h.ask(
        CMD.FLASH_DEFL_DATA,
        Uint8Array.from([...words(packed.length, 0, 0, 0), ...packed]),
        xorSum(packed),
      ).data[0],
    ).toBe(0);
    expect(Buffer.from(h.flash.read(0x30000, data.length))).toEqual(Buffer.from(data));
    h.ask(CMD.FLASH_DEFL_END, words(0));
    return Promise.resolve().then(() => expect(h.userCode()).toBe(1));
  });

  it('refuses a write past the end of flash', () => {
    const h = harness();
    expect(h.ask(CMD.FLASH_BEGIN, words(0x2000, 2, 0x1000, 0x3ff000, 0)).data[0]).toBe(1);
  });
});

describe('boot-time checks on flash', () => {
  const identity = { projectName: 'p', version: 'v9' };

  it('boots a good set and reports the app identity', () => {
    const result = bootFromFlash(flashWithImages(defaultImageSet('esp32', identity)), 'esp32');
    expect(result.ok && result.app.version).toBe('v9');
  });

  it('erased flash: the ROM prints invalid header', () => {
    const result = bootFromFlash(new FlashModel(), 'esp32');
    expect(result.lines).toEqual(['invalid header: 0xffffffff']);
  });

  it('a partition table with a bad MD5 row is refused with the bootloader texts', () => {
    const flash = flashWithImages(defaultImageSet('esp32', identity));
    const table = buildPartitionTable();
    table[6 * 32 + 20] = (table[6 * 32 + 20] as number) ^ 1;
    flash.write(0x8000, table);
    const result = bootFromFlash(flash, 'esp32');
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toMatch(
      /flash_parts: Incorrect MD5 checksum[\s\S]*Failed to verify partition table/,
    );
  });

  it('follows otadata to app1, and names a wrong-chip app', () => {
    const flash = flashWithImages(defaultImageSet('esp32', identity));
    flash.write(0xe000, buildOtadata(1));
    expect(bootFromFlash(flash, 'esp32').lines.join('\n')).toMatch(
      /image at 0x150000 has invalid magic byte[\s\S]*OTA app partition slot 1 is not bootable/,
    );
    flash.write(0x150000, buildAppImage('esp32-s3', identity));
    expect(bootFromFlash(flash, 'esp32').lines.join('\n')).toContain('mismatch chip ID, expected 0, found 9');
    flash.write(0x150000, buildAppImage('esp32', { projectName: 'p', version: 'slot1' }));
    const result = bootFromFlash(flash, 'esp32');
    expect(result.ok && result.app.version).toBe('slot1');
  });

  it('S3 and C3 boot from a bootloader at 0x0', () => {
    expect(defaultFlashLayout('esp32-s3').bootloader).toBe(0);
    expect(bootFromFlash(flashWithImages(defaultImageSet('esp32-s3', identity)), 'esp32-s3').ok).toBe(true);
    expect(bootFromFlash(flashWithImages(defaultImageSet('esp32-c3', identity)), 'esp32-c3').ok).toBe(true);
  });
});
