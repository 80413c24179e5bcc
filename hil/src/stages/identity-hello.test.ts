// The identity check's hello fallback on the sim bench (benches/sim.json with `firmware.expect` alone: the factory
// image boots, nothing is flashed): when the console missed the boot line, the ready stage has no identity to check
// and the connect stage compares hello's (PROTOCOL.md §4.1) with firmware.expect.
// hello carries the booted image's `app` (project, version, ELF SHA-256), as the boot line does.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_APP_IDENTITY } from '@esphil/sim';

/** How the check names the factory image (its ELF hash is made when the sim builds the image). */
const APP = `${DEFAULT_APP_IDENTITY.projectName} ${DEFAULT_APP_IDENTITY.version}, elf [0-9a-f]{64}`;

import { describe, expect, it } from 'vitest';
import { HilError } from '../errors';
import { openObserved } from '../testing/boot-probe';
import { useTempDirs } from '../testing/temp-dirs';

const SIM_BENCH = fileURLToPath(new URL('../../benches/sim.json', import.meta.url));
const tempDir = useTempDirs();

/** sim.json without flashing, expecting `fw`. */
async function benchExpecting(fw: string): Promise<string> {
  const dir = await tempDir('hil-identity-hello-');
  const bench = JSON.parse(await readFile(SIM_BENCH, 'utf8'));
  bench.firmware = { expect: { fw } };
  await writeFile(join(dir, 'bench.json'), JSON.stringify(bench));
  return join(dir, 'bench.json');
}

const identityLines = (texts: string[]) => texts.filter((t) => t.startsWith('[identity]'));

describe('the identity check without a boot line: hello decides', () => {
  it('the ready stage checks nothing, the connect stage checks hello: the expected build, as expected', async () => {
    const { session, probe } = await openObserved(await benchExpecting(DEFAULT_APP_IDENTITY.version), {
      missBootLine: true,
    });
    try {
      expect(probe.ready?.boot).toBeUndefined();
      expect(identityLines(session.serialLog.entries.map((e) => e.text))).toEqual([
        expect.stringMatching(
          new RegExp(`^\\[identity\\] hello: fw ${DEFAULT_APP_IDENTITY.version} \\(${APP}\\) as expected$`),
        ),
      ]);
    } finally {
      await session.close();
    }
  });

  it('a hello that is not firmware.expect is exit 2 (identity_mismatch) at the connect stage, naming both', async () => {
    const opening = openObserved(await benchExpecting('9.9.9-not-this'), { missBootLine: true });
    await expect(opening).rejects.toBeInstanceOf(HilError);
    await expect(opening).rejects.toMatchObject({
      code: 'identity_mismatch',
      message: expect.stringMatching(
        new RegExp(
          `^wrong build booted \\(hello\\): expected fw 9\\.9\\.9-not-this \\(firmware\\.expect\\), but the DUT booted fw ${DEFAULT_APP_IDENTITY.version} \\(${APP}\\)$`,
        ),
      ),
    });
  });

  it('with the boot line seen, the ready stage checks it and hello is not checked again', async () => {
    const { session, probe } = await openObserved(await benchExpecting(DEFAULT_APP_IDENTITY.version));
    try {
      expect(probe.ready?.boot?.fw).toBe(DEFAULT_APP_IDENTITY.version);
      expect(identityLines(session.serialLog.entries.map((e) => e.text))).toEqual([
        expect.stringMatching(
          new RegExp(`^\\[identity\\] boot line: fw ${DEFAULT_APP_IDENTITY.version} \\(`),
        ),
      ]);
    } finally {
      await session.close();
    }
  });
});
