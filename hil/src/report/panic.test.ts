import { describe, expect, it } from 'vitest';
import {
  type CrashBlock,
  crashFindings,
  findCrashes,
  MAX_CRASH_BLOCK_LINES,
  MAX_CRASH_BLOCKS,
} from './panic';

const log = (text: string) => text.split('\n').map((t, i) => ({ at: 1000 + i, text: t }));
const lines = (text: string, b: CrashBlock) => text.split('\n').slice(b.firstLine, b.lastLine + 1);

// Console text as an ESP32 prints it: the register dump and backtrace are the Fatal Errors guide's Xtensa example
// (docs/en/api-guides/fatal-errors.rst, "Register Dump and Backtrace"); the boot lines are the ROM's.
const PANIC = `[  5012][I][app.cpp:40] loop(): tick
Guru Meditation Error: Core  1 panic'ed (LoadProhibited). Exception was unhandled.

Core  1 register dump:
PC      : 0x400e14ed  PS      : 0x00060030  A0      : 0x800d0805  A1      : 0x3ffb5030
A2      : 0x00000000  A3      : 0x00000001  A4      : 0x00000001  A5      : 0x3ffb50dc
EXCVADDR: 0x00000000  LBEG    : 0x4000c46c  LEND    : 0x4000c477  LCOUNT  : 0xffffffff

Backtrace: 0x400e14ed:0x3ffb5030 0x400d0802:0x3ffb5050 |<-CORRUPTED

ELF file SHA256: 0000000000000000

Rebooting...
ets Jun  8 2016 00:22:57

rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)
configsip: 0, SPIWP:0xee`;

describe('findCrashes: ESP-IDF crash output in the serial log', () => {
  it('a Guru Meditation panic: one block from the cause line to "Rebooting...", backtrace parsed', () => {
    const blocks = findCrashes(log(PANIC));
    const panic = blocks[0]!;
    expect(panic).toMatchObject({
      kind: 'panic',
      reason: 'LoadProhibited',
      firstLine: 1,
      lastLine: 12,
      at: 1001,
      severity: 'error',
    });
    expect(panic.title).toBe(
      "Guru Meditation Error: Core  1 panic'ed (LoadProhibited). Exception was unhandled.",
    );
    expect(lines(PANIC, panic).at(-1)).toBe('Rebooting...');
    expect(panic.backtraces).toEqual([
      {
        line: 8,
        frames: [
          { pc: '0x400e14ed', sp: '0x3ffb5030' },
          { pc: '0x400d0802', sp: '0x3ffb5050' },
        ],
        corrupted: true,
      },
    ]);
    // The next boot's reset line is its own (ordinary) block, not part of the panic.
    expect(blocks[1]).toMatchObject({
      kind: 'reset',
      reason: 'SW_CPU_RESET',
      firstLine: 15,
      severity: 'info',
    });
    expect(blocks).toHaveLength(2);
  });

  it('heap corruption -> assertion -> abort() is one block named by its first line (the guide example)', () => {
    const text = `I (812) app: start
CORRUPT HEAP: Bad tail at 0x3ffe270a. Expected 0xbaad5678 got 0xbaac5678
assertion "head != NULL" failed: file "/esp-idf/components/heap/multi_heap_poisoning.c", line 201, function: multi_heap_free
abort() was called at PC 0x400dca43 on core 0

Backtrace: 0x4008e6c0:0x3ffc1780 0x400dca43:0x3ffc17c0

Rebooting...`;
    const [b, ...rest] = findCrashes(log(text));
    expect(rest).toEqual([]);
    expect(b).toMatchObject({ kind: 'heap_corrupt', firstLine: 1, lastLine: 7 });
    expect(b!.backtraces[0]!.frames).toHaveLength(2);
    expect(b!.backtraces[0]!.corrupted).toBe(false);
  });

  it('IDF 5 assert, stack smashing and an arduino-esp32 IDF 3 assert', () => {
    const idf5 = findCrashes(
      log('assert failed: app_main main.c:12 (x == 1)\n\nBacktrace: 0x400d1a2c:0x3ffb1f50'),
    );
    expect(idf5[0]).toMatchObject({ kind: 'assert', firstLine: 0, lastLine: 2 });
    const smash = findCrashes(
      log(
        'Stack smashing protect failure!\n\nabort() was called at PC 0x400d2138 on core 0\n\nBacktrace: 0x4008e6c0:0x3ffc1780\n0',
      ),
    );
    expect(smash[0]).toMatchObject({ kind: 'stack_smashing', lastLine: 5 });
    const old = findCrashes(
      log(
        '/home/runner/esp-idf/components/freertos/queue.c:1442 (xQueueGenericReceive)- assert failed!\nabort() was called at PC 0x4008888d on core 1',
      ),
    );
    expect(old[0]).toMatchObject({ kind: 'assert', lastLine: 1 });
  });

  it('a brownout ends at the next boot, whose reset reason is an error', () => {
    const text =
      'I (100) app: motor on\nBrownout detector was triggered\n\nets Jul 29 2019 12:21:46\n\nrst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)';
    const blocks = findCrashes(log(text));
    expect(blocks.map((b) => [b.kind, b.firstLine, b.lastLine, b.severity])).toEqual([
      ['brownout', 1, 1, 'error'],
      ['reset', 5, 5, 'error'],
    ]);
    expect(blocks[1]!.reason).toBe('RTCWDT_BROWN_OUT_RESET');
  });

  it('watchdog and power-on reset reasons (names differ per chip)', () => {
    const kinds = (t: string) => findCrashes(log(t)).map((b) => [b.reason, b.severity]);
    expect(kinds('rst:0x8 (TG1WDT_SYS_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)')).toEqual([
      ['TG1WDT_SYS_RESET', 'error'],
    ]);
    expect(kinds('rst:0x10 (RTCWDT_RTC_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)')).toEqual([
      ['RTCWDT_RTC_RESET', 'error'],
    ]);
    expect(kinds('rst:0x7 (TG0WDT_SYS_RST),boot:0x8 (SPI_FAST_FLASH_BOOT)')).toEqual([
      ['TG0WDT_SYS_RST', 'error'],
    ]);
    expect(kinds('rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)')).toEqual([
      ['POWERON_RESET', 'info'],
    ]);
    expect(kinds('rst:0x1 (POWERON),boot:0xc (SPI_FAST_FLASH_BOOT)')).toEqual([['POWERON', 'info']]);
  });

  it('a non-fatal task watchdog report ends where the application log resumes', () => {
    const text = `E (10283) task_wdt: Task watchdog got triggered. The following tasks did not reset the watchdog in time:
E (10283) task_wdt:  - IDLE (CPU 0)
E (10283) task_wdt: Tasks currently running:
E (10283) task_wdt: CPU 0: busy_loop
E (10283) task_wdt: CPU 1: IDLE
I (10290) app: still running`;
    const blocks = findCrashes(log(text));
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({ kind: 'task_wdt', firstLine: 0, lastLine: 4 });
  });

  it('an interrupt watchdog is a panic with its cause; an unterminated dump stops at the named limit', () => {
    const wdt = findCrashes(log("Guru Meditation Error: Core  0 panic'ed (Interrupt wdt timeout on CPU0)."));
    expect(wdt[0]).toMatchObject({ kind: 'panic', reason: 'Interrupt wdt timeout on CPU0' });
    const endless = ["Guru Meditation Error: Core  0 panic'ed (StoreProhibited). Exception was unhandled."];
    for (let i = 0; i < 500; i++) endless.push('PC      : 0x400e14ed  PS      : 0x00060030');
    const [b, ...rest] = findCrashes(endless.map((text, i) => ({ at: i, text })));
    expect(b!.lastLine - b!.firstLine + 1).toBe(MAX_CRASH_BLOCK_LINES);
    expect(rest).toEqual([]); // the rest are register lines with no header: not a crash of their own
  });

  it('a boot loop keeps the first and the latest crashes, at most MAX_CRASH_BLOCKS', () => {
    const boot = [
      "Guru Meditation Error: Core  1 panic'ed (LoadProhibited). Exception was unhandled.",
      'Rebooting...',
    ];
    const entries = Array.from({ length: 200 }, () => boot)
      .flat()
      .map((text, i) => ({ at: i, text }));
    const blocks = findCrashes(entries);
    expect(blocks).toHaveLength(MAX_CRASH_BLOCKS);
    expect(blocks[0]!.firstLine).toBe(0);
    expect(blocks.at(-1)!.firstLine).toBe(398);
  });

  it('ordinary logs, CR line ends and app text mentioning crashes find nothing; findings drop info resets', () => {
    expect(
      findCrashes(log('I (5) app: a panic button was pressed\n[  12][W][x.cpp:1] f(): Backtrace of nothing')),
    ).toEqual([]);
    expect(findCrashes(log('Rebooting...\r\n'))).toEqual([]);
    const blocks = findCrashes(log(PANIC.replace(/\n/g, '\r\n')));
    expect(blocks[0]).toMatchObject({ kind: 'panic', lastLine: 12 });
    expect(crashFindings(blocks).map((b) => b.kind)).toEqual(['panic']);
  });
});
