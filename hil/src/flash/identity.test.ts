import { buildAppImage, parseImage } from '@esphil/device-model';
import { describe, expect, it } from 'vitest';
import { expectationsFor, identityMismatch } from './identity';

const flashedDesc = parseImage(buildAppImage('esp32', { projectName: 'esphil-firmware', version: 'v2' }))
  .appDesc!;
const flashed = { app: flashedDesc, appFile: 'firmware.bin' };
const booted = (elfSha256: string, fw = 'v2') => ({
  fw,
  app: { project: 'esphil-firmware', version: fw, elfSha256 },
});

describe('identity check', () => {
  it('the app just flashed: only its ELF SHA-256 decides (stock Arduino descriptors share project/version)', () => {
    const expectations = expectationsFor(flashed, null);
    expect(identityMismatch(expectations, booted(flashedDesc.elfSha256, 'other-fw'))).toBeNull();
    const stale = 'cd'.repeat(32);
    expect(identityMismatch(expectations, booted(stale))).toBe(
      `expected esphil-firmware v2, elf ${flashedDesc.elfSha256} (firmware.bin just flashed), but the DUT booted fw v2 (esphil-firmware v2, elf ${stale})`,
    );
    expect(identityMismatch(expectations, { fw: 'v2' })).toMatch(/booted fw v2 \(no app identity\)$/);
  });

  it('firmware.expect adds its own fields, checked after the flashed image', () => {
    const expectations = expectationsFor(flashed, { fw: 'v3' });
    expect(identityMismatch(expectations, booted(flashedDesc.elfSha256))).toMatch(
      /^expected fw v3 \(firmware\.expect\), but the DUT booted fw v2/,
    );
    expect(expectationsFor(undefined, null)).toEqual([]);
  });
});
