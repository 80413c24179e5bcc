import { type BenchFirmware, parseBenchFirmware } from '../flash/bench-section';
import { FirmwareError } from '../flash/errors';
import type { BenchKind } from './types';

type IssueFn = (path: string, message: string, hint: string) => void;

/**
 * The bench's `firmware` section (flash/bench-section.ts) plus what depends on the bench kind: `generated` needs
 * the simulated board; `command` needs a port another process can open (hardware, or the sim-pty's pty), not the
 * in-process virtual binding.
 */
export function firmwareSection(v: unknown, kind: BenchKind, issue: IssueFn): BenchFirmware | null {
  let firmware: BenchFirmware;
  try {
    firmware = parseBenchFirmware(v);
  } catch (e) {
    if (!(e instanceof FirmwareError)) throw e;
    issue('firmware', e.message, e.hint);
    return null;
  }
  const source = firmware.source?.kind;
  if (source === 'generated' && kind === 'hardware') {
    issue(
      'firmware.generated',
      'generated images are for simulated benches',
      'flash your build: { "platformio": { "dir": ".pio/build", "env": "<env>" } }',
    );
  } else if (source === 'command' && kind === 'sim') {
    issue(
      'firmware.command',
      'a "sim" bench has no OS serial port for a command to open',
      'use "images" / "generated" (flashed in-process), or kind "sim-pty"',
    );
  }
  return firmware;
}
