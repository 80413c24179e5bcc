/**
 * Our esptool resets inside esptool-js's connect loop.
 *
 * esptool-js 0.7.0 builds its reset list in `ESPLoader.constructResetSequence(mode)` (a public method,
 * lib/esploader.d.ts) and `openAndSync` plays entry `i % length` before each of its 7 attempts, then syncs up to
 * 5 times (lib/esploader.js `openAndSync`, `_connectAttempt`). Its own list is ClassicReset 50/550 ms written with
 * both lines at once, or UsbJtagSerialReset for 303a:1001 (`constructResetSequence`). We replace that method on
 * the loader instance, so its retry and sync logic stays esptool-js's while the lines follow esptool (Python):
 * UnixTightReset and ClassicReset alternating 50/550 ms, the USB-Serial/JTAG sequence, esptool's re-open on a port
 * that drops out, and "warn and go on" on a port without modem lines (../reset/attempt.ts). Overriding the method
 * (instead of the `resetConstructors` option, which only has classic/usb/hard/custom slots) lets the cycle hold
 * esptool's four entries. esptool-js stays pinned (package.json): re-check this if it is ever bumped.
 */
import type { ESPLoader, Transport } from 'esptool-js';
import { isSerialError } from '../errors';
import type { ControlLines } from '../open';
import { playResetAttempt, type ResetAttempt, type ResetOutcome, reopenWhenBack } from '../reset';
import { FlashError } from './errors';

export interface ResetHookOptions {
  path: string;
  plan: readonly ResetAttempt[];
  transport: Transport;
  lines: { set(lines: ControlLines): Promise<void>; current(): ControlLines };
  romBaudrate: number;
  reenumerateTimeoutMs?: number;
  signal?: AbortSignal;
  onLog?: (line: string) => void;
  /** Each attempt's label and outcome, in order (for the report and tests). */
  played: { label: string; outcome: ResetOutcome }[];
}

export function installResetPlan(loader: ESPLoader, opts: ResetHookOptions): void {
  let warned = false;
  const ctx = {
    path: opts.path,
    target: opts.lines,
    lines: () => opts.lines.current(),
    warn: (message: string) => {
      if (!warned) opts.onLog?.(`warning: ${message}`);
      warned = true;
    },
    reopen: () => reopen(opts),
  };
  loader.constructResetSequence = (mode) => {
    if (mode === 'no_reset') return [];
    return opts.plan.map((attempt) => ({
      transport: opts.transport,
      reset: async () => {
        const outcome = await playResetAttempt(attempt, ctx);
        opts.played.push({ label: attempt.label, outcome });
      },
    }));
  };
}

/** The port dropped out mid-reset (native USB): close what is left, wait for the path, open it again. */
async function reopen(opts: ResetHookOptions): Promise<void> {
  opts.onLog?.(`${opts.path} went away during the reset; waiting for it to come back`);
  await opts.transport.disconnect().catch(() => undefined);
  try {
    await reopenWhenBack(opts.path, () => opts.transport.connect(opts.romBaudrate), {
      timeoutMs: opts.reenumerateTimeoutMs,
      signal: opts.signal,
    });
  } catch (err) {
    if (isSerialError(err, 'port_missing')) {
      throw new FlashError(
        'flash_port_gone',
        err.message,
        'check the cable; raise reenumerateTimeoutMs for a slow hub',
        {
          cause: err,
        },
      );
    }
    throw err;
  }
  void opts.transport.readLoop();
}
