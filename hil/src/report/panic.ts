/**
 * Finds ESP-IDF / arduino-esp32 crash output in a serial log: panic handler dumps, abort() and assertion lines,
 * brownout, task watchdog, stack overflow and smashing, heap corruption, UBSAN, and the ROM's reset-reason line.
 *
 * Source: the ESP-IDF "Fatal Errors" guide, docs/en/api-guides/fatal-errors.rst
 * (https://docs.espressif.com/projects/esp-idf/en/stable/esp32/api-guides/fatal-errors.html), sections "Panic
 * Handler", "Register Dump and Backtrace", "RTC Watchdog Timeout", "Guru Meditation Errors", "Other Fatal Errors".
 * Each signature below is marked (doc) when that guide shows it, or (observed) when it is written from real ESP32
 * consoles and other ESP-IDF pages from memory: treat those as best guesses. Matching uses the stable leading words
 * only, never register values or the wording after them.
 */

export type CrashKind =
  | 'panic'
  | 'abort'
  | 'assert'
  | 'esp_error_check'
  | 'stack_overflow'
  | 'stack_smashing'
  | 'heap_corrupt'
  | 'ubsan'
  | 'brownout'
  | 'task_wdt'
  | 'reset';

export interface BacktraceFrame {
  pc: string;
  sp: string;
}

export interface Backtrace {
  /** Index of the `Backtrace:` line in the log. */
  line: number;
  frames: BacktraceFrame[];
  /** The handler marked the stack as corrupted (`|<-CORRUPTED`, observed): later frames are not trustworthy. */
  corrupted: boolean;
}

/** One crash signature and the lines that belong to it, as indexes into the serial log (inclusive). */
export interface CrashBlock {
  kind: CrashKind;
  /** The block's first line, trimmed: what the report shows as its title. */
  title: string;
  /** The cause in parentheses (`LoadProhibited`), the task, or the reset reason name (`TG1WDT_SYS_RESET`). */
  reason?: string;
  firstLine: number;
  lastLine: number;
  /** Timestamp of the first line (the serial log's `at`). */
  at: number;
  backtraces: Backtrace[];
  /** error: the chip crashed or a watchdog/brownout reset it; info: an ordinary reset line (power-on, restart). */
  severity: 'error' | 'info';
}

/** A crash whose end never shows (the log stops mid-dump, or a handler that prints on) ends after this many lines. */
export const MAX_CRASH_BLOCK_LINES = 80;
/** Blocks kept per log: a boot loop repeats the same panic on every boot; the first and the last ones matter most. */
export const MAX_CRASH_BLOCKS = 50;

interface Signature {
  kind: CrashKind;
  re: RegExp;
  reason?: (m: RegExpExecArray) => string | undefined;
}

// Ordered: the first match names the block.
const HEADERS: readonly Signature[] = [
  // (doc) "Guru Meditation Error: Core 0 panic'ed (IllegalInstruction). Exception was unhandled." The cause is in
  // parentheses; interrupt watchdog, cache errors and the hardware stack guard use the same line.
  { kind: 'panic', re: /Guru Meditation Error: Core\s+\d+ panic'ed \(([^)]*)\)/, reason: (m) => m[1] },
  // (doc) "abort() was called at PC 0x400dca43 on core 0".
  { kind: 'abort', re: /abort\(\) was called at PC 0x[0-9a-fA-F]+/ },
  // (doc, Corrupt Heap) newlib: 'assertion "head != NULL" failed: file "...", line 201, function: multi_heap_free';
  // (observed) IDF >= 5: "assert failed: app_main main.c:12 (x == 1)"; IDF 3 / old arduino-esp32:
  // ".../queue.c:1442 (xQueueGenericReceive)- assert failed!".
  { kind: 'assert', re: /^assert failed: |^assertion ".*" failed: |\)- assert failed!/ },
  // (observed; ESP-IDF "Error Handling" guide) "ESP_ERROR_CHECK failed: esp_err_t 0x107 (ESP_ERR_TIMEOUT) at 0x400d..."
  {
    kind: 'esp_error_check',
    re: /ESP_ERROR_CHECK failed: esp_err_t 0x[0-9a-fA-F]+ \(([^)]*)\)/,
    reason: (m) => m[1],
  },
  // (observed; FreeRTOS stack check, CONFIG_FREERTOS_CHECK_STACKOVERFLOW) "***ERROR*** A stack overflow in task main
  // has been detected."
  {
    kind: 'stack_overflow',
    re: /\*\*\*ERROR\*\*\* A stack overflow in task (.*) has been detected/,
    reason: (m) => m[1],
  },
  // (doc) "Stack smashing protect failure!"
  { kind: 'stack_smashing', re: /^Stack smashing protect failure!/ },
  // (doc) "CORRUPT HEAP: Bad tail at 0x3ffe270a. Expected 0xbaad5678 got 0xbaac5678"
  { kind: 'heap_corrupt', re: /^CORRUPT HEAP:/ },
  // (doc) "Undefined behavior of type out_of_bounds"
  { kind: 'ubsan', re: /^Undefined behavior of type (\w+)/, reason: (m) => m[1] },
  // (doc) "Brownout detector was triggered" (the chip resets right after; the line may be cut short).
  { kind: 'brownout', re: /Brownout detector was trig/ },
  // (observed; ESP-IDF "Watchdogs" page) "E (10283) task_wdt: Task watchdog got triggered. The following tasks did
  // not reset the watchdog in time:" (IDF 5: "tasks/users"), then " - IDLE (CPU 0)", "Tasks currently running:", ...
  { kind: 'task_wdt', re: /task_wdt: Task watchdog got triggered/ },
];

/**
 * (doc, RTC Watchdog Timeout) the ROM prints the reset cause as "rst:0x10 (RTCWDT_RTC_RESET)" and, on a boot,
 * ",boot:0x13 (SPI_FAST_FLASH_BOOT)" after it. The names differ per chip (the guide lists RTCWDT_RTC_RESET on the
 * ESP32, RTCWDT_RTC_RST on S2/S3/C3, LP_WDT_SYS on C6/H2), so they are classified by name, not number: a watchdog,
 * brownout or lockup name is an error; anything else (power-on, software restart, external pin, deep-sleep wake) is an
 * ordinary reset.
 */
const RESET_LINE = /^rst:(0x[0-9a-fA-F]+) \(([A-Za-z0-9_]+)\)/;
const ABNORMAL_RESET = /WDT|BROWN|LOCKUP|GLITCH/;

/** (doc) "Backtrace: 0x400e14ed:0x3ffb5030 0x400d0802:0x3ffb5050" (UBSAN prints no space after the colon). */
const BACKTRACE = /^Backtrace:/;
const FRAME = /(0x[0-9a-fA-F]{8}):(0x[0-9a-fA-F]{8})/g;

/** The handler's last words, part of the block: (observed) "Rebooting...", "CPU halted."; (doc) the GDB stub. */
const BLOCK_END = /^Rebooting\.\.\.|^CPU halted\.|^Entering gdb stub/;

/**
 * Lines that continue a crash block (register dump, stack dump, task lists, decoded addresses). Anything else ends
 * it, so a block never swallows the application log after a non-fatal watchdog report.
 */
const CONTINUATION: readonly RegExp[] = [
  /^\s*$/,
  /^Core\s+\d+ register dump:/, // (doc)
  /^\s*[A-Z][A-Z0-9_/]*\s*: 0x[0-9a-fA-F]+/, // (doc) "PC      : 0x400e14ed  PS      : 0x00060030 ...", "S0/FP   : ..."
  BACKTRACE, // (doc)
  /^Backtrace stopped:|^#\d+\s+0x[0-9a-fA-F]+ in /, // (doc) a backtrace decoded by IDF Monitor (RISC-V)
  /^0x[0-9a-fA-F]{8}: /, // (doc) addresses decoded by IDF Monitor: "0x400e14ed: app_main at main.cpp:36"
  /^\d+\t/, // (doc) the source line IDF Monitor prints under a decoded frame
  /^ELF file SHA256:/, // (observed)
  /^Stack memory:|^[0-9a-fA-F]{8}: 0x[0-9a-fA-F]{8}/, // (observed) RISC-V stack dump
  /^Debug exception reason:/, // (doc) stack canary watchpoint
  /^Core\s+\d+ was running in ISR context/, // (observed)
  /^(?:EPC\d|Memory dump at|Setting breakpoint|Core dump)/, // (doc: EPC1-EPC4; observed: the rest)
  /^(?:file|func|expression): /, // (observed) the ESP_ERROR_CHECK detail lines
  /^\s*-\s/, // (observed) task_wdt task list " - IDLE (CPU 0)"
  /^Tasks currently running:|^CPU \d+: |^Print CPU \d+/, // (observed) task_wdt
  /^E \(\d+\) task_wdt:/, // (observed) every task_wdt line carries its tag
  /^Aborting\.$/, // (observed) task_wdt with CONFIG_ESP_TASK_WDT_PANIC
  /^--- /, // (observed) PlatformIO's esp32_exception_decoder output
  /^\d$/, // (doc) the stray digit after the stack smashing backtrace
];

function header(text: string): { sig: Signature; m: RegExpExecArray } | null {
  for (const sig of HEADERS) {
    const m = sig.re.exec(text);
    if (m) return { sig, m };
  }
  return null;
}

function parseBacktrace(text: string, line: number): Backtrace {
  const frames = [...text.matchAll(FRAME)].map((m) => ({ pc: m[1] as string, sp: m[2] as string }));
  return { line, frames, corrupted: text.includes('CORRUPTED') };
}

function resetBlock(m: RegExpExecArray, line: number, at: number, text: string): CrashBlock {
  const reason = m[2] as string;
  return {
    kind: 'reset',
    title: text.trim(),
    reason,
    firstLine: line,
    lastLine: line,
    at,
    backtraces: [],
    severity: ABNORMAL_RESET.test(reason) ? 'error' : 'info',
  };
}

/** Crash blocks in log order; lines are indexes into `entries` (serial.log line n is entries[n - 1]). */
export function findCrashes(entries: readonly { at: number; text: string }[]): CrashBlock[] {
  const blocks: CrashBlock[] = [];
  let open: CrashBlock | null = null;
  const close = () => {
    if (!open) return;
    // Trailing blank lines belong to whatever comes next.
    while (open.lastLine > open.firstLine && (entries[open.lastLine]?.text.trim() ?? '') === '')
      open.lastLine--;
    blocks.push(open);
    open = null;
  };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as { at: number; text: string };
    const text = entry.text.replace(/\r$/, '');
    const rst = RESET_LINE.exec(text);
    if (rst) {
      close();
      blocks.push(resetBlock(rst, i, entry.at, text));
      continue;
    }
    const h = header(text);
    if (open) {
      // One crash prints several signatures (assert -> abort -> backtrace): they stay one block, named by the first.
      if (h || CONTINUATION.some((re) => re.test(text)) || BLOCK_END.test(text)) {
        const block: CrashBlock = open;
        block.lastLine = i;
        if (BACKTRACE.test(text)) block.backtraces.push(parseBacktrace(text, i));
        if (BLOCK_END.test(text) || i - block.firstLine + 1 >= MAX_CRASH_BLOCK_LINES) close();
        continue;
      }
      close();
    }
    if (h) {
      const reason = h.sig.reason?.(h.m);
      open = {
        kind: h.sig.kind,
        title: text.trim(),
        ...(reason ? { reason } : {}),
        firstLine: i,
        lastLine: i,
        at: entry.at,
        backtraces: [],
        severity: 'error',
      };
    }
  }
  close();
  return keepEnds(blocks);
}

/** Bounded: the first half and the last half of MAX_CRASH_BLOCKS (a boot loop's first crash and its latest ones). */
function keepEnds(blocks: CrashBlock[]): CrashBlock[] {
  if (blocks.length <= MAX_CRASH_BLOCKS) return blocks;
  const half = Math.floor(MAX_CRASH_BLOCKS / 2);
  return [...blocks.slice(0, half), ...blocks.slice(blocks.length - (MAX_CRASH_BLOCKS - half))];
}

/** The blocks worth a reader's attention first: every error block (info resets are context, not findings). */
export function crashFindings(blocks: readonly CrashBlock[]): CrashBlock[] {
  return blocks.filter((b) => b.severity === 'error');
}
