import { createHash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  bootPartition,
  buildAppImage,
  buildBootloaderImage,
  buildImage,
  buildOtadata,
  buildPartitionTable,
  checkImageSet,
  crc32,
  defaultFlashLayout,
  ImageError,
  md5,
  otaSlotCount,
  parseImage,
  parseOtadata,
  parsePartitionTable,
  selectedOtaSlot,
  sha256,
  toHex,
} from './index';

const identity = { projectName: 'esphil-firmware', version: 'v1.2.3-4-gabcdef0' };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ImageError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('hashes', () => {
  it('agree with node:crypto and zlib for lengths around the block boundaries', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 200, 1000]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
      expect(toHex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
      expect(toHex(md5(data))).toBe(createHash('md5').update(data).digest('hex'));
      expect(crc32(data)).toBe(zlibCrc32(data));
      expect(crc32(data, 0xffffffff)).toBe(zlibCrc32(data, 0xffffffff));
    }
  });
});

describe('app images', () => {
  it('round-trips the builder: chip, segments, digest and the app descriptor', () => {
    const image = parseImage(buildAppImage('esp32', identity), {
      expectedChip: 'esp32',
      requireAppDesc: true,
    });
    expect(image.chip).toBe('esp32');
    expect(image.segments).toHaveLength(2);
    expect(image.hashAppended).toBe(true);
    expect(image.appDesc).toMatchObject({ projectName: 'esphil-firmware', version: 'v1.2.3-4-gabcdef0' });
    expect(image.appDesc?.elfSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('puts the checksum on the last byte of a 16-byte block', () => {
    const image = buildImage({ chip: 'esp32-c3', segments: [{ loadAddress: 0, data: new Uint8Array(3) }] });
    expect((image.length - 32) % 16).toBe(0);
    expect(image[image.length - 33]).toBe(0xef);
  });

  it('names each defect with its own code', () => {
    const good = buildAppImage('esp32', identity);
    const withByte = (at: number, value: number) => {
      const copy = good.slice();
      copy[at] = value;
      return copy;
    };
    expect(codeOf(() => parseImage(good.subarray(0, 10)))).toBe('image_truncated');
    expect(codeOf(() => parseImage(good.subarray(0, good.length - 8)))).toBe('image_truncated');
    expect(codeOf(() => parseImage(withByte(0, 0xe8)))).toBe('image_bad_magic');
    expect(codeOf(() => parseImage(withByte(1, 0)))).toBe('image_bad_segment_count');
    expect(codeOf(() => parseImage(withByte(1, 3)))).toBe('image_segment_overrun');
    expect(codeOf(() => parseImage(good, { expectedChip: 'esp32-s3' }))).toBe('image_wrong_chip');
    expect(codeOf(() => parseImage(withByte(400, (good[400] as number) ^ 1)))).toBe('image_bad_checksum');
    expect(codeOf(() => parseImage(withByte(good.length - 1, (good.at(-1) as number) ^ 1)))).toBe(
      'image_bad_sha256',
    );
    expect(codeOf(() => parseImage(withByte(31, 0x7f)))).toBe('image_segment_overrun');
    const bootloader = buildBootloaderImage('esp32');
    expect(codeOf(() => parseImage(bootloader, { requireAppDesc: true }))).toBe('image_no_app_desc');
  });

  it('tells which chip a wrong-chip image was built for', () => {
    expect(() =>
      parseImage(buildAppImage('esp32-s3', identity), { expectedChip: 'esp32', name: 'fw.bin' }),
    ).toThrow(/fw\.bin: built for esp32-s3, the bench's chip is esp32/);
  });
});

describe('hostile input', () => {
  /** Deterministic byte mutations (a fixed-seed LCG) of good files: every outcome is a result or an ImageError. */
  function mutations(good: Uint8Array, rounds: number): Uint8Array[] {
    let seed = 0x2545f491;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const out: Uint8Array[] = [];
    for (let r = 0; r < rounds; r++) {
      const copy = good.slice(0, next() % (good.length + 1));
      for (let k = next() % 8; k > 0 && copy.length > 0; k--) copy[next() % copy.length] = next() & 0xff;
      out.push(copy);
    }
    return out;
  }

  it('never throws anything but an ImageError on truncated or corrupted files', () => {
    const codes = new Set<string>();
    for (const data of mutations(buildAppImage('esp32', identity), 300)) {
      codes.add(codeOf(() => parseImage(data, { requireAppDesc: true })));
    }
    for (const data of mutations(buildPartitionTable(), 300))
      codes.add(codeOf(() => parsePartitionTable(data)));
    for (const data of mutations(buildOtadata(1), 100)) codes.add(codeOf(() => parseOtadata(data)));
    // The mutations reach both the clean path and several distinct defects.
    expect(codes.has('no error')).toBe(true);
    expect(codes.size).toBeGreaterThan(4);
  });
});

describe('partition tables and otadata', () => {
  it('parses the default table and its MD5 row', () => {
    const table = parsePartitionTable(buildPartitionTable());
    expect(table.hasMd5).toBe(true);
    expect(table.entries.map((e) => e.label)).toEqual([
      'nvs',
      'otadata',
      'app0',
      'app1',
      'spiffs',
      'coredump',
    ]);
    expect(otaSlotCount(table)).toBe(2);
  });

  it('refuses a bad MD5, a bad magic, a missing MD5 row, overlaps and tables without an app', () => {
    const table = buildPartitionTable();
    const md5Broken = table.slice();
    md5Broken[6 * 32 + 20] = (md5Broken[6 * 32 + 20] as number) ^ 1;
    expect(codeOf(() => parsePartitionTable(md5Broken))).toBe('partition_bad_md5');
    const magicBroken = table.slice();
    magicBroken[32] = 0x12;
    expect(codeOf(() => parsePartitionTable(magicBroken))).toBe('partition_bad_magic');
    const noMd5 = table.slice();
    noMd5.fill(0xff, 6 * 32);
    expect(codeOf(() => parsePartitionTable(noMd5))).toBe('partition_no_md5');
    expect(parsePartitionTable(noMd5, { requireMd5: false }).entries).toHaveLength(6);
    const overlapping = buildPartitionTable([
      { label: 'a', type: 0, subtype: 0, offset: 0x10000, size: 0x20000 },
      { label: 'b', type: 1, subtype: 2, offset: 0x20000, size: 0x1000 },
    ]);
    expect(codeOf(() => parsePartitionTable(overlapping))).toBe('partition_overlap');
    const noApp = buildPartitionTable([{ label: 'nvs', type: 1, subtype: 2, offset: 0x9000, size: 0x5000 }]);
    expect(codeOf(() => parsePartitionTable(noApp))).toBe('partition_no_app');
  });

  it('selects the OTA slot like the bootloader: erased = first app, seq 2 = app1', () => {
    const table = parsePartitionTable(buildPartitionTable());
    const erased = parseOtadata(buildOtadata(null));
    expect(selectedOtaSlot(erased, 2)).toBeNull();
    expect(bootPartition(table, null)?.label).toBe('app0');
    const slot1 = parseOtadata(buildOtadata(1));
    expect(selectedOtaSlot(slot1, 2)).toBe(1);
    expect(bootPartition(table, 1)?.label).toBe('app1');
    const corrupt = buildOtadata(1);
    corrupt[28] = (corrupt[28] as number) ^ 1;
    expect(selectedOtaSlot(parseOtadata(corrupt), 2)).toBeNull();
    expect(codeOf(() => parseOtadata(new Uint8Array(10)))).toBe('otadata_bad_size');
  });
});

describe('image sets', () => {
  const layout = defaultFlashLayout('esp32');
  const set = [
    { offset: layout.bootloader, name: 'bootloader.bin', data: buildBootloaderImage('esp32') },
    { offset: layout.partitions, name: 'partitions.bin', data: buildPartitionTable() },
    { offset: layout.otadata, name: 'boot_app0.bin', data: buildOtadata(null) },
    { offset: layout.app, name: 'firmware.bin', data: buildAppImage('esp32', identity) },
  ];

  it('uses the chip default offsets (ESP32 bootloader 0x1000, S3/C3 0x0)', () => {
    expect(defaultFlashLayout('esp32')).toEqual({
      bootloader: 0x1000,
      partitions: 0x8000,
      otadata: 0xe000,
      app: 0x10000,
    });
    expect(defaultFlashLayout('esp32-s3').bootloader).toBe(0);
    expect(defaultFlashLayout('esp32-c3').bootloader).toBe(0);
  });

  it('checks every file by its role and returns the app identity', () => {
    const checked = checkImageSet(set, { chip: 'esp32' });
    expect(checked.map((c) => c.role)).toEqual(['bootloader', 'partitions', 'otadata', 'app']);
    expect(checked[3]?.appDesc?.version).toBe(identity.version);
  });

  it('names the file that is wrong', () => {
    const wrongChip = set.map((s) =>
      s.name === 'firmware.bin' ? { ...s, data: buildAppImage('esp32-c3', identity) } : s,
    );
    expect(() => checkImageSet(wrongChip, { chip: 'esp32' })).toThrow(
      /firmware\.bin @0x10000: built for esp32-c3/,
    );
    const overlap = [...set, { offset: 0x10100, name: 'extra.bin', data: new Uint8Array(16) }];
    expect(codeOf(() => checkImageSet(overlap, { chip: 'esp32' }))).toBe('partition_overlap');
    const spiffs = checkImageSet([{ offset: 0x290000, name: 'spiffs.bin', data: new Uint8Array(64) }], {
      chip: 'esp32',
    });
    expect(spiffs[0]?.role).toBe('data');
    const tooLarge = [{ offset: 0x3ff000, name: 'big.bin', data: buildAppImage('esp32', identity, 8192) }];
    expect(codeOf(() => checkImageSet(tooLarge, { chip: 'esp32' }))).toBe('image_too_large');
  });
});
