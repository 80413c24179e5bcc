import { formatMachineLine, type SerialBootLine, type SerialReadyLine } from '@esphil/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { diagnoseBootLog, waitForReady } from './boot-log';
import { SerialConsole } from './console';
import { SerialError } from './errors';
import { openSerialPort } from './open';
import { resetToRunMode } from './reset';
import { FakeBinding } from './test/fake-binding';

const boot: SerialBootLine = {
  t: 'boot',
  fw: '0.1.0',
  board: 'esp32doit-devkit-v1',
  device: 'a1',
  boot: 'b7',
  reason: 'ext',
};
const ready: SerialReadyLine = {
  t: 'ready',
  ip: '10.0.0.7',
  port: 81,
  path: '/',
  url: 'ws://10.0.0.7:81/',
  proto: 1,
};
const ROM = [
  'ets Jun  8 2016 00:22:57',
  'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
  'load:0x3fff0030,len:1184',
  'entry 0x400805e4',
];

async function setup() {
  const binding = new FakeBinding().addPort('/dev/ttyUSB0');
  const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding });
  const console = new SerialConsole(conn);
  return { conn, console, port: binding.port('/dev/ttyUSB0') };
}

describe('waitForReady', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves with the ready line, the boot line and the whole boot log', async () => {
    const { console, port, conn } = await setup();
    const waiting = waitForReady(console, { timeoutMs: 5000 });
    port.emit(`${ROM.join('\r\n')}\r\n${formatMachineLine(boot)}I (400) wifi: connected\r\n`);
    await vi.advanceTimersByTimeAsync(1000);
    port.emit(`${formatMachineLine(ready)}after ready\r\n`);
    const result = await waiting;
    expect(result.ready).toEqual(ready);
    expect(result.boot).toEqual(boot);
    expect(result.log).toEqual([
      ...ROM,
      `@esphil ${JSON.stringify(boot)}`,
      'I (400) wifi: connected',
      `@esphil ${JSON.stringify(ready)}`,
    ]);
    await conn.close();
  });

  it('finds a ready line that arrived between mark() and the call', async () => {
    const { console, port, conn } = await setup();
    const mark = console.mark();
    port.emit(formatMachineLine(ready));
    await vi.advanceTimersByTimeAsync(0);
    const result = await waitForReady(console, { since: mark, timeoutMs: 10 });
    expect(result.ready).toEqual(ready);
    expect(result.boot).toBeUndefined();
    await conn.close();
  });

  it('works after a run-mode reset, all under fake timers', async () => {
    const { console, port, conn } = await setup();
    const mark = console.mark();
    const reset = resetToRunMode(conn);
    await vi.advanceTimersByTimeAsync(100);
    await reset;
    expect(port.setCalls).toHaveLength(2);
    port.emit(`${ROM.join('\n')}\n${formatMachineLine(boot)}${formatMachineLine(ready)}`);
    const result = await waitForReady(console, { since: mark, timeoutMs: 1000 });
    expect(result.boot?.reason).toBe('ext');
    await conn.close();
  });

  async function timeoutOf(output: string | Uint8Array, opts = {}): Promise<SerialError> {
    const { console, port, conn } = await setup();
    const waiting = waitForReady(console, { timeoutMs: 3000, ...opts }).catch((e: unknown) => e);
    if (output.length > 0) port.emit(output);
    await vi.advanceTimersByTimeAsync(3000);
    const err = await waiting;
    await conn.close();
    expect(err).toBeInstanceOf(SerialError);
    expect(err).toMatchObject({ code: 'timeout' });
    return err as SerialError;
  }

  it('times out with a check-the-port hint when nothing arrives', async () => {
    const err = await timeoutOf('');
    expect(err.message).toContain('No ready line from /dev/ttyUSB0 within 3000 ms');
    expect(err.message).toContain('Nothing at all was received');
    expect(err.message).not.toContain('Last');
  });

  it('explains download mode and quotes the tail of the log', async () => {
    const err = await timeoutOf(
      'ets Jun  8 2016 00:22:57\r\nrst:0x1 (POWERON_RESET),boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n',
    );
    expect(err.message).toContain('GPIO0 was held low');
    expect(err.message).toContain('Last 3 lines:\n  ets Jun  8 2016 00:22:57');
    expect(err.message).toContain('  waiting for download');
  });

  it('blames the baud rate when the output is garbage', async () => {
    const junk = Uint8Array.from({ length: 200 }, (_, i) => (i % 50 === 49 ? 0x0a : 0x80 + ((i * 37) % 120)));
    const err = await timeoutOf(junk, { baudRate: 74880 });
    expect(err.message).toContain('wrong baud rate (port at 74880)');
  });

  it('quotes only the last lines', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const err = await timeoutOf(`${lines.join('\n')}\n`, { tailLines: 5 });
    expect(err.message).toContain('Last 5 lines:\n  line 45\n  line 46\n  line 47\n  line 48\n  line 49');
    expect(err.message).not.toContain('line 44');
  });

  it("rejects with 'disconnected' when the cable is pulled while waiting", async () => {
    const { console, port } = await setup();
    const waiting = waitForReady(console, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1);
    port.unplug();
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toMatchObject({ code: 'disconnected' });
  });
});

describe('diagnoseBootLog', () => {
  it('sees a booted app that never got ready', () => {
    const hints = diagnoseBootLog([...ROM, `@esphil ${JSON.stringify(boot)}`, 'wifi: connecting'], 100);
    expect(hints.join('\n')).toContain('booted (boot line seen) but never reported ready');
  });

  it('sees ROM output without the esphil firmware', () => {
    expect(diagnoseBootLog(ROM, 100).join('\n')).toContain('is the esphil firmware flashed');
  });

  it('sees a crash and a boot loop', () => {
    const log = [
      ...ROM,
      "Guru Meditation Error: Core  1 panic'ed (LoadProhibited)",
      'rst:0xc (SW_CPU_RESET)',
      'rst:0xc (SW_CPU_RESET)',
    ];
    const text = diagnoseBootLog(log, 500).join('\n');
    expect(text).toContain('crashed');
    expect(text).toContain('reset 3 times');
  });

  it('sees a brownout', () => {
    expect(diagnoseBootLog(['Brownout detector was triggered'], 40).join('\n')).toContain('lost power');
  });

  it('falls back to a generic hint for ordinary output', () => {
    expect(diagnoseBootLog(['hello'], 6)).toEqual([
      'Output arrived but no @esphil ready line: is the esphil firmware running, and is this the right board?',
    ]);
  });
});
