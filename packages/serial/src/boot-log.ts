/**
 * Waiting for the firmware's `@esphil {"t":"ready",...}` line after a reset, keeping the boot log, and
 * explaining a timeout from what the log shows.
 */
import type { SerialBootLine, SerialReadyLine } from '@esphil/protocol';
import type { LogEntry, SerialConsole } from './console';
import { SerialError } from './errors';

export const DEFAULT_READY_TIMEOUT_MS = 15_000;
/** Lines of log tail quoted in a timeout message. */
export const DEFAULT_TAIL_LINES = 20;
/** Share of unprintable characters above which the output is called garbage (wrong baud rate). */
export const GARBAGE_RATIO = 0.2;

export interface WaitForReadyOptions {
  timeoutMs?: number;
  /** Consider output from this console.mark() on (e.g. taken before the reset). Default: from now. */
  since?: number;
  tailLines?: number;
  /** Baud rate the port is opened at, quoted in the wrong-baud hint. */
  baudRate?: number;
}

export interface ReadyResult {
  ready: SerialReadyLine;
  /** The firmware's boot line, when it was seen before the ready line. */
  boot?: SerialBootLine;
  /** Everything printed from `since` up to and including the ready line. */
  log: string[];
}

function isReady(e: LogEntry): SerialReadyLine | undefined {
  return e.item.kind === 'machine' && e.item.message.t === 'ready' ? e.item.message : undefined;
}

function unprintable(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return ch === '\uFFFD' || (c < 0x20 && ch !== '\t') || (c >= 0x7f && c < 0xa0);
}

/** Hints that explain why no ready line came, from the text lines seen. */
export function diagnoseBootLog(
  lines: readonly string[],
  bytesReceived: number,
  baudRate?: number,
): string[] {
  if (bytesReceived === 0) {
    return [
      'Nothing at all was received: check the port (is it the ESP32? `hil ports`), the cable (data, not charge-only) ' +
        'and power, then reset the board (resetToRunMode or the EN button).',
    ];
  }
  const hints: string[] = [];
  const text = lines.join('\n');
  if (/waiting for download|DOWNLOAD_BOOT/.test(text)) {
    hints.push(
      'The chip is in ROM download mode ("waiting for download"): GPIO0 was held low at reset. ' +
        'Release the BOOT button / check what drives GPIO0 and DTR, then resetToRunMode().',
    );
  }
  const chars = [...text.replace(/\n/g, '')];
  const bad = chars.filter(unprintable).length;
  if (chars.length >= 16 && bad / chars.length >= GARBAGE_RATIO) {
    hints.push(
      `The output is mostly garbage: wrong baud rate${baudRate ? ` (port at ${baudRate})` : ''}? ` +
        'The ESP32 ROM and the esphil firmware talk at 115200 (74880 is the ESP8266 ROM rate).',
    );
  }
  if (/Guru Meditation|Backtrace:|abort\(\) was called|panic'ed/i.test(text)) {
    hints.push(
      'The firmware crashed (panic / Guru Meditation in the log): decode the backtrace and fix the crash.',
    );
  }
  if (/Brownout detector was triggered/i.test(text)) {
    hints.push('Brownout: the board lost power during boot; use a better USB cable/port or a powered hub.');
  }
  const romBoots = (text.match(/rst:0x[0-9a-f]+/gi) ?? []).length;
  if (romBoots >= 3)
    hints.push(`The chip reset ${romBoots} times: a boot loop (look for the reason before each rst:).`);
  const appBooted = lines.some((l) => l.startsWith('@esphil {"t":"boot"'));
  if (appBooted) {
    hints.push(
      'The esphil firmware booted (boot line seen) but never reported ready: it may be stuck bringing up WiFi ' +
        'or the WebSocket server; read the log above.',
    );
  } else if (romBoots > 0 && !/waiting for download/.test(text)) {
    hints.push(
      'The ROM boot messages appear but no @esphil boot line: is the esphil firmware flashed on this board?',
    );
  }
  if (hints.length === 0) {
    hints.push(
      'Output arrived but no @esphil ready line: is the esphil firmware running, and is this the right board?',
    );
  }
  return hints;
}

/**
 * Resolves with the first ready line after `since`. Rejects with SerialError 'timeout' whose message carries
 * hints and the tail of the log, or 'disconnected'.
 */
export async function waitForReady(
  console: SerialConsole,
  opts: WaitForReadyOptions = {},
): Promise<ReadyResult> {
  const since = opts.since ?? console.mark();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const tailLines = opts.tailLines ?? DEFAULT_TAIL_LINES;
  const bytesAtStart = console.stats.bytesIn;
  const timeoutError = () => {
    const lines = console.entries(since).map((e) => e.text);
    // Lines from before the call (an earlier `since`) count as received output too.
    const received = console.stats.bytesIn - bytesAtStart + (lines.length > 0 ? 1 : 0);
    const hints = diagnoseBootLog(lines, received, opts.baudRate);
    const tail = lines.slice(-tailLines);
    const quoted = tail.length > 0 ? `\nLast ${tail.length} lines:\n  ${tail.join('\n  ')}` : '';
    return new SerialError(
      'timeout',
      `No ready line from ${console.path} within ${timeoutMs} ms.\n- ${hints.join('\n- ')}${quoted}`,
      { path: console.path },
    );
  };
  const ready = await console.waitFor(
    (item) => (item.kind === 'machine' && item.message.t === 'ready' ? item.message : undefined),
    { since, timeoutMs, timeoutError },
  );
  const entries = console.entries(since);
  const at = entries.findIndex((e) => isReady(e) === ready);
  const upTo = at < 0 ? entries : entries.slice(0, at + 1);
  let boot: SerialBootLine | undefined;
  for (const e of upTo) if (e.item.kind === 'machine' && e.item.message.t === 'boot') boot = e.item.message;
  return { ready, ...(boot ? { boot } : {}), log: upTo.map((e) => e.text) };
}
