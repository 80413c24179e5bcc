// esptool's reset strategies (@esphil/serial) against the simulated board's auto-reset circuit
// (dut/reset-circuit.ts, with its EN RC delay): each bootloader reset lands the ROM in download mode, the
// hard reset boots the app, and flashImages connects with each strategy.
import {
  connectResetPlan,
  flashImages,
  openSerialPort,
  type ResetStep,
  runModeSequence,
  runResetSequence,
} from '@esphil/serial';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimBench, startSimBench } from './bench';
import { EN_RELEASE_MS } from './dut/reset-circuit';
import { defaultImageSet, flashWithImages } from './rom';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function bench(opts: { flash?: boolean } = {}): Promise<SimBench> {
  const b = await startSimBench({
    latency: 'zero',
    ...(opts.flash
      ? {
          flash: {
            model: flashWithImages(
              defaultImageSet('esp32', { projectName: 'esphil-firmware', version: 'v1' }),
            ),
          },
        }
      : {}),
  });
  cleanup.push(() => b.close());
  return b;
}

async function open(b: SimBench) {
  const conn = await openSerialPort({ path: b.dutPath, binding: b.binding });
  cleanup.push(() => conn.close());
  return conn;
}

describe('esptool resets on the simulated auto-reset circuit', () => {
  for (const [strategy, index] of [
    ['tight-unix', 0],
    ['tight-unix', 1],
    ['classic', 0],
    ['classic', 1],
  ] as const) {
    const attempt = connectResetPlan(strategy)[index]!;
    it(`${attempt.label} lands in ROM download mode; the hard reset then boots the app`, async () => {
      const b = await bench();
      const conn = await open(b);
      expect(b.dut.phase).toBe('running');
      const download = b.dut.waitForPhase('download');
      await runResetSequence(conn, attempt.steps({ dtr: true, rts: true }));
      await download;
      expect(b.dut.phase).toBe('download');
      const running = b.dut.waitForPhase('running');
      await runResetSequence(conn, runModeSequence());
      await running;
    });
  }

  it('the classic reset needs the EN capacitor: a (1,1) pass longer than the RC time boots the app', async () => {
    const b = await bench();
    const conn = await open(b);
    // Classic's steps, with the D1 write (EN released, GPIO0 still high) held instead of followed at once.
    const steps: ResetStep[] = [
      { dtr: false, rts: true, holdMs: 20 },
      { dtr: true, rts: true, holdMs: EN_RELEASE_MS * 5 },
      { dtr: true, rts: false, holdMs: 50 },
      { dtr: false, rts: false, holdMs: 0 },
    ];
    const phases: string[] = [];
    b.dut.on('phase', (p) => phases.push(p));
    await runResetSequence(conn, steps);
    await b.dut.waitForPhase('running');
    expect(phases).not.toContain('download');
  });

  for (const reset of ['auto', 'tight-unix', 'classic'] as const) {
    it(`flashImages connects with reset '${reset}' and reports the resets it played`, async () => {
      const b = await bench({ flash: true });
      const report = await flashImages({
        binding: b.binding,
        path: b.dutPath,
        images: defaultImageSet('esp32', { projectName: 'esphil-firmware', version: 'v2' }),
        chip: 'esp32',
        reset,
      });
      const first = connectResetPlan(reset)[0]!.label;
      // The sim answers the first attempt's SYNC, so the cycle never gets past its first entry.
      expect(report.resets).toEqual([first]);
      await b.dut.waitForPhase('running');
      expect(b.dut.flash?.booted?.version).toBe('v2');
    });
  }
});
