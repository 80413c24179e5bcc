import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ResolvedBench } from '../bench/types';
import { HilError } from '../errors';

export interface FlashOptions {
  bench: ResolvedBench;
  port: string;
  onLine: (line: string) => void;
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
  const fw = opts.bench.firmware;
  if (!fw) return 'no firmware section';
  const image = resolve(opts.bench.dir, fw.image);
  if (opts.bench.kind !== 'hardware') {
    opts.onLine(`[sim] flashing ${image}: simulated (the sim runs the device model)`);
    return `simulated flash of ${image}`;
  }
  const [cmd, ...args] = flashArgv(fw.flash, { image, port: opts.port, baud: opts.bench.dut.baud });
  if (!cmd) throw new HilError('flash_failed', 'empty flash command', 'set firmware.flash to an argv array');
  const run = opts.spawnCommand ?? spawn;
  return new Promise((res, reject) => {
    const child = run(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(
        new HilError(
          'flash_failed',
          `flash command timed out after ${opts.bench.timeouts.flashMs} ms`,
          'check the port and the bootloader (hold BOOT while flashing on some boards)',
        ),
      );
    }, opts.bench.timeouts.flashMs);
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
      clearTimeout(timer);
      reject(
        new HilError(
          'flash_failed',
          `cannot run ${cmd}: ${e.message}`,
          `install it (pip install esptool / PlatformIO) or fix firmware.flash`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
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
