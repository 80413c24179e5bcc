import { spawn } from 'node:child_process';
import type { ResolvedBench } from '../bench/types';
import { HilError } from '../errors';
import { abortError } from './abort';
import { killGroup } from './kill-group';
import type { Stage } from './stage';

export interface FlashOptions {
  bench: ResolvedBench;
  port: string;
  onLine: (line: string) => void;
  /** Aborting kills the flash command's whole process group; the promise rejects with the abort error. */
  signal?: AbortSignal;
  /** Overridable for tests. */
  spawnCommand?: typeof spawn;
}

/** Fills `{image}`, `{port}` and `{baud}` in the flash argv. */
export function flashArgv(
  argv: readonly string[],
  vars: { image: string; port: string; baud: number },
): string[] {
  return argv.map((a) =>
    a
      .replaceAll('{image}', vars.image)
      .replaceAll('{port}', vars.port)
      .replaceAll('{baud}', String(vars.baud)),
  );
}

/**
 * Runs the bench's flash command (esptool / pio) as a subprocess, streaming its progress lines. On a simulated bench
 * the image is not written anywhere: the sim boots the device model, so flashing is a logged no-op.
 */
export async function flash(opts: FlashOptions): Promise<string> {
  const source = opts.bench.firmware?.source;
  if (!source) return 'no firmware source';
  if (source.kind !== 'command') {
    // Interim (issue 12): the in-process esptool-js path is wired in the next commit.
    throw new HilError('flash_failed', `firmware.${source.kind} is not flashed yet`, 'use firmware.command');
  }
  const image = '';
  const [cmd, ...args] = flashArgv(source.argv, { image, port: opts.port, baud: opts.bench.dut.baud });
  if (!cmd) throw new HilError('flash_failed', 'empty flash command', 'set firmware.flash to an argv array');
  const run = opts.spawnCommand ?? spawn;
  const signal = opts.signal;
  if (signal?.aborted) throw abortError(signal);
  return new Promise((res, reject) => {
    // Its own process group (esptool / pio start helpers): on a timeout or an abort the whole group is killed.
    const child = run(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let failure: HilError | null = null;
    const stop = (why: HilError) => {
      if (failure) return;
      failure = why;
      done();
      void killGroup(child).then(() => reject(why));
    };
    const timer = setTimeout(
      () =>
        stop(
          new HilError(
            'flash_failed',
            `flash command timed out after ${opts.bench.timeouts.flashMs} ms`,
            'check the port and the bootloader (hold BOOT while flashing on some boards)',
          ),
        ),
      opts.bench.timeouts.flashMs,
    );
    const onAbort = () => stop(abortError(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const tail: string[] = [];
    const feed = (chunk: Buffer) => {
      // esptool redraws progress with \r: treat it as a line end.
      for (const l of chunk.toString('utf8').split(/[\r\n]+/)) {
        if (l.trim() === '') continue;
        tail.push(l);
        if (tail.length > 20) tail.shift();
        opts.onLine(l);
      }
    };
    child.stdout?.on('data', feed);
    child.stderr?.on('data', feed);
    child.on('error', (e) => {
      done();
      reject(
        new HilError(
          'flash_failed',
          `cannot run ${cmd}: ${e.message}`,
          `install it (pip install esptool / PlatformIO) or fix firmware.flash`,
        ),
      );
    });
    // Whatever the flash tool left running in its group goes with it (it would hold the pipes open).
    child.on('exit', () => void killGroup(child));
    child.on('close', (code) => {
      done();
      if (failure) return;
      if (code === 0) res(`flashed ${image}`);
      else
        reject(
          new HilError(
            'flash_failed',
            `${cmd} exited with ${code}:\n  ${tail.join('\n  ')}`,
            'read the flash tool output above',
          ),
        );
    });
  });
}

/** Stage `flash` (only with a firmware section): runs the bench's flash command; adds nothing. */
export const flashStage: Stage = {
  name: 'flash',
  skip: (ctx) => (ctx.bench.firmware?.source ? null : 'no firmware section in the bench file'),
  async run(ctx) {
    const detail = await flash({
      bench: ctx.bench,
      port: ctx.need('ports').dutPath,
      onLine: (l) => ctx.log(`[flash] ${l}`),
      signal: ctx.signal,
    });
    return { detail };
  },
};
