// The flash stage on the simulated board, through the real stages (sim provider, lock, flash, serial open) and
// esptool-js over the sim's virtual binding: what is refused before writing, what a good flash records, and what an
// abort mid-flash leaves behind.
import { readdirSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildAppImage, buildBootloaderImage, resolveConfig } from '@esphil/device-model';
import { DEFAULT_APP_IDENTITY, DEFAULT_SIM_CONFIG, DEFAULT_SIM_WIRING, type SimBench } from '@esphil/sim';
import { describe, expect, it } from 'vitest';
import { resolveBench } from '../bench/validate';
import { HilError } from '../errors';
import { type ProgressSink, silentProgress } from '../run/progress';
import { BoundedLog } from '../session/log';
import { useTempDirs } from '../testing/temp-dirs';
import { portsStage } from './bench-provider';
import { flashStage } from './flash';
import { lockStage } from './lock';
import { Pipeline } from './pipeline';
import { resetStage } from './reset';
import { serialOpenStage } from './serial-open';
import type { SessionEnv, Stage } from './stage';

const tempDir = useTempDirs();

function env(firmware: unknown, dir: string, reset: 'sim' | 'esptool' = 'sim'): SessionEnv {
  const { bench, issues } = resolveBench(
    {
      kind: 'sim',
      dut: { port: '/sim/dut', reset },
      probe: { port: '/sim/probe', board: 'arduino-zero' },
      firmware,
    },
    { file: join(dir, 'bench.json'), dir },
  );
  if (!bench) throw new Error(JSON.stringify(issues));
  return {
    bench,
    options: { wiringCheck: 'quick', lockDir: dir },
    config: resolveConfig(DEFAULT_SIM_CONFIG),
    wiring: DEFAULT_SIM_WIRING,
    transcript: new BoundedLog(),
    log: () => undefined,
  };
}

/** The sim provider, keeping the simulator for the assertions. */
function capturePorts(): { stage: Stage; sim: () => SimBench } {
  let sim: SimBench | null = null;
  return {
    stage: {
      name: portsStage.name,
      async run(ctx) {
        const done = await portsStage.run(ctx);
        sim = done?.adds?.ports?.sim ?? null;
        return done;
      },
    },
    sim: () => sim as unknown as SimBench,
  };
}

describe('stage flash on the simulated board', () => {
  it('writes the image set with esptool-js, records bytes / ms / rate per file, and closes the port for the console', async () => {
    const dir = await tempDir('hil-flash-ok-');
    const ports = capturePorts();
    const info: string[] = [];
    const pipeline = new Pipeline({ progress: { ...silentProgress, info: (l) => info.push(l) } });
    try {
      const parts = await pipeline.runStages(
        [ports.stage, flashStage, serialOpenStage, resetStage],
        env({ generated: { version: 'v9.9.9-test' } }, dir),
      );
      const [record] = pipeline.records;
      expect(record).toMatchObject({ name: 'flash', status: 'ok' });
      expect(record?.detail).toMatch(/^4 files, 16\.\d KB in \d+ ms \(\d+ KB\/s\) on ESP32 at 460800 baud$/);
      expect(record?.files?.map((f) => [f.name, f.offset])).toEqual([
        ['bootloader.bin', 0x1000],
        ['partitions.bin', 0x8000],
        ['boot_app0.bin', 0xe000],
        ['firmware.bin', 0x10000],
      ]);
      for (const f of record?.files ?? []) {
        expect(f.bytes).toBeGreaterThan(0);
        expect(f.bytesPerSecond).toBe(Math.round((f.bytes * 1000) / f.ms));
      }
      expect(
        info.filter((l) => /^ {2}flash \d\/4 .* bytes in \d+ ms \([\d.]+ KB\/s\)$/.test(l)),
      ).toHaveLength(4);
      expect(parts.flashed?.app?.version).toBe('v9.9.9-test');
      // The serial stage opened the port after the flasher: the virtual binding refuses a second open (port_busy).
      expect(parts.conn).toBeDefined();
      // Left in the ROM loader after the write; the reset stage, with the console open, gives it its one boot.
      await ports.sim().dut.waitForPhase('running');
      expect(ports.sim().dut.flash?.booted?.version).toBe('v9.9.9-test');
    } finally {
      await pipeline.close();
    }
  });

  it('a bad file is a bench error naming it, and the board is never touched', async () => {
    const dir = await tempDir('hil-flash-bad-');
    const app = buildAppImage('esp32', { projectName: 'p', version: 'v1' });
    app[300] = (app[300] as number) ^ 1;
    await writeFile(join(dir, 'boot.bin'), buildBootloaderImage('esp32'));
    await writeFile(join(dir, 'corrupt.bin'), app);
    const ports = capturePorts();
    const pipeline = new Pipeline();
    try {
      const run = pipeline.runStages(
        [ports.stage, flashStage],
        env(
          {
            images: [
              { role: 'bootloader', file: 'boot.bin' },
              { role: 'app', file: 'corrupt.bin' },
            ],
          },
          dir,
        ),
      );
      await expect(run).rejects.toBeInstanceOf(HilError);
      await expect(run).rejects.toMatchObject({ code: 'image_invalid' });
      await expect(run).rejects.toThrow(/corrupt\.bin @0x10000: checksum byte/);
      const sim = ports.sim();
      // Never reset into the ROM loader, factory image intact and still booted.
      expect(sim.dut.flash?.rom).toBeNull();
      expect(sim.dut.flash?.booted?.version).toBe(DEFAULT_APP_IDENTITY.version);
    } finally {
      await pipeline.close();
    }
  });

  it.each(['sim', 'esptool'] as const)(
    'an abort mid-flash (reset "%s") releases the lock and leaves the board reset into run mode, booting what flash holds',
    async (reset) => {
      const dir = await tempDir('hil-flash-abort-');
      const ports = capturePorts();
      const controller = new AbortController();
      let locksWhileFlashing: string[] = [];
      const progress: ProgressSink = {
        ...silentProgress,
        info(line) {
          // After the first file: the app at 0x10000 is not written yet.
          if (!line.startsWith('  flash 1/4')) return;
          locksWhileFlashing = readdirSync(dir).filter((n) => n.endsWith('.lock'));
          controller.abort('SIGINT');
        },
      };
      const pipeline = new Pipeline({ progress, signal: controller.signal });
      // Sim benches take no lock (private to the process): force the real lock stage onto the sim's ports.
      const lock: Stage = { name: 'lock', run: (ctx) => lockStage.run(ctx) };
      try {
        const run = pipeline.runStages([ports.stage, lock, flashStage], env({ generated: true }, dir, reset));
        await expect(run).rejects.toMatchObject({ code: 'aborted' });
        expect(pipeline.records.map((r) => [r.name, r.status])).toEqual([
          ['lock', 'ok'],
          ['flash', 'aborted'],
        ]);
        expect(locksWhileFlashing).toHaveLength(2);
        // The defined state: not held in the ROM loader but reset into run mode (the sim circuit's, or flashImages'
        // own after anything but a good write); the bootloader then boots flash as it is, here the factory app.
        const sim = ports.sim();
        expect(await sim.dut.waitForPhase(['running', 'halted', 'download'])).toBe('running');
        expect(sim.dut.flash?.booted?.version).toBe(DEFAULT_APP_IDENTITY.version);
      } finally {
        await pipeline.close();
      }
      expect((await readdir(dir)).filter((n) => n.endsWith('.lock'))).toEqual([]);
    },
  );
});
