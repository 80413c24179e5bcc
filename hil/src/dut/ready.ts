/** Ready detection for firmware that does not print the esphil ready line: a console line matching a pattern. */
import type { SerialItem } from '@esphil/protocol';
import { type SerialConsole, SerialError } from '@esphil/serial';
import { abortable } from '../stages/abort';
import type { DutReadySpec } from './types';

/** Console lines quoted in a "never ready" message. */
export const READY_TAIL_LINES = 12;
/** An ESP32 ROM reset line (`rst:0x1 (POWERON_RESET),boot:0x13 ...`): the chip rebooted. */
const ROM_RESET_LINE = /^rst:0x[0-9a-f]+/i;

export interface PatternReady {
  /** The matching line. */
  line: string;
  match: RegExpExecArray;
  /** Console lines from `since` up to and including the matching one. */
  lines: string[];
  /** From the spec's url(): null when the lines do not tell it. */
  url: string | null;
}

export function readyRegExp(spec: DutReadySpec): RegExp {
  // No g/y flags: exec() must not carry lastIndex from one line to the next.
  return typeof spec.pattern === 'string'
    ? new RegExp(spec.pattern)
    : new RegExp(spec.pattern.source, spec.pattern.flags.replace(/[gy]/g, ''));
}

/** A console item as a pattern sees it: a text line, or a machine line as printed (`@esphil {...}`). */
export function consoleText(item: SerialItem): string | undefined {
  return item.kind === 'line' ? item.text : item.kind === 'machine' ? `@esphil ${item.raw}` : undefined;
}

/** The first console line from `since` on that matches; rejects with a message quoting the last lines. */
export async function waitForPattern(
  console: SerialConsole,
  spec: DutReadySpec,
  opts: { since: number; timeoutMs: number; signal: AbortSignal },
): Promise<PatternReady> {
  const re = readyRegExp(spec);
  const found = await abortable<{ line: string; match: RegExpExecArray }>(
    console.waitFor(
      (item) => {
        const text = consoleText(item);
        const match = text === undefined ? null : re.exec(text);
        return match ? { line: text!, match } : undefined;
      },
      {
        since: opts.since,
        timeoutMs: opts.timeoutMs,
        timeoutError: () => {
          const tail = console
            .entries(opts.since)
            .map((e) => e.text)
            .slice(-READY_TAIL_LINES);
          return new SerialError(
            'timeout',
            `no console line matched /${re.source}/ within ${opts.timeoutMs} ms${tail.length ? `; last ${tail.length} lines:\n  ${tail.join('\n  ')}` : ': nothing was printed'}`,
            { path: console.path },
          );
        },
      },
    ),
    opts.signal,
  );
  const all = console.entries(opts.since).map((e) => e.text);
  const at = all.lastIndexOf(found.line);
  const lines = at < 0 ? all : all.slice(0, at + 1);
  return { ...found, lines, url: spec.url ? spec.url(found.match, lines) : null };
}

/**
 * Resolves with the line that shows a reboot within `ms` of ready (a ROM reset line, or the ready pattern again),
 * or null when the DUT stayed up: a boot loop prints its ready line too.
 */
export async function rebootAfterReady(
  console: SerialConsole,
  spec: DutReadySpec,
  ms: number,
  signal: AbortSignal,
): Promise<string | null> {
  const re = readyRegExp(spec);
  const since = console.mark();
  try {
    return await abortable<string>(
      console.waitFor(
        (item) => {
          const text = consoleText(item);
          return text !== undefined && (ROM_RESET_LINE.test(text) || re.test(text)) ? text : undefined;
        },
        {
          since,
          timeoutMs: ms,
          timeoutError: () => new SerialError('timeout', 'stayed up', { path: console.path }),
        },
      ),
      signal,
    );
  } catch (e) {
    if (signal.aborted) throw e;
    return null;
  }
}
