import { encodeImprovPacket, formatMachineLine, type SerialReadyLine } from '@esphil/protocol';
import { MockBinding, type MockPortBinding } from '@serialport/binding-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SerialConsole } from './console';
import { openSerialPort } from './open';
import { FakeBinding, type FakePort } from './test/fake-binding';

const tick = () => new Promise((r) => setImmediate(r));
const ready: SerialReadyLine = {
  t: 'ready',
  ip: '10.0.0.7',
  port: 81,
  path: '/',
  url: 'ws://10.0.0.7:81/',
  proto: 1,
};

async function mockConsole(opts = {}) {
  MockBinding.createPort('/dev/ttyUSB0', { record: true });
  const conn = await openSerialPort({ path: '/dev/ttyUSB0', binding: MockBinding });
  const console = new SerialConsole(conn, opts);
  const port = conn.stream.port as unknown as MockPortBinding;
  return { conn, console, port };
}

/** A device that answers every serial request with an ok response echoing its id. */
function echoDevice(bytes: Uint8Array, port: FakePort) {
  for (const line of Buffer.from(bytes).toString().split('\r\n')) {
    if (!line.startsWith('@esphil ')) continue;
    const req = JSON.parse(line.slice(8)) as { id: number; op: string };
    if (req.op === 'ping')
      port.emit(formatMachineLine({ t: 'res', id: req.id, ok: true, result: { uptimeMs: 5 } }));
    if (req.op === 'led.set') {
      port.emit(
        formatMachineLine({
          t: 'res',
          id: req.id,
          ok: false,
          error: { code: 'unknown_target', msg: 'no LED "x"' },
        }),
      );
    }
  }
}

describe('SerialConsole over MockBinding', () => {
  afterEach(() => {
    MockBinding.reset();
    vi.useRealTimers();
  });

  it('emits lines, machine messages and Improv packets and keeps the log', async () => {
    const { console, conn, port } = await mockConsole();
    const lines: string[] = [];
    const machine: unknown[] = [];
    const improv: unknown[] = [];
    console.on('line', (l) => lines.push(l));
    console.on('machine', (m) => machine.push(m));
    console.on('improv', (p) => improv.push(p));
    port.emitData(
      Buffer.concat([
        Buffer.from('rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\nI (31) boot: ESP-IDF\r\n'),
        Buffer.from(encodeImprovPacket({ type: 'current_state', state: 'ready' })),
        Buffer.from(formatMachineLine(ready)),
      ]),
    );
    await tick();
    expect(lines).toEqual([
      'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
      'I (31) boot: ESP-IDF',
    ]);
    expect(machine).toEqual([ready]);
    expect(improv).toEqual([{ type: 'current_state', state: 'ready' }]);
    expect(console.log).toEqual([
      'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
      'I (31) boot: ESP-IDF',
      '[improv] {"type":"current_state","state":"ready"}',
      `@esphil ${JSON.stringify(ready)}`,
    ]);
    await conn.close();
  });

  it('writes requests as machine lines and resolves the response with the same id', async () => {
    const { console, conn, port } = await mockConsole();
    const first = console.request('ping');
    const second = console.request('led.set', { led: 'status', on: true });
    await tick();
    expect(port.recording.toString()).toBe(
      '@esphil {"id":1,"op":"ping"}\r\n@esphil {"id":2,"op":"led.set","led":"status","on":true}\r\n',
    );
    // Answers out of order, with a log line in between.
    port.emitData(
      Buffer.from(
        `${formatMachineLine({ t: 'res', id: 2, ok: true, result: { led: 'status', on: true } })}log\n` +
          formatMachineLine({ t: 'res', id: 1, ok: true, result: { uptimeMs: 12 } }),
      ),
    );
    expect(await first).toEqual({ t: 'res', id: 1, ok: true, result: { uptimeMs: 12 } });
    expect(await second).toEqual({ t: 'res', id: 2, ok: true, result: { led: 'status', on: true } });
    await conn.close();
  });

  it("times out a request with 'timeout' and ignores the late answer", async () => {
    vi.useFakeTimers();
    const { console, conn, port } = await mockConsole({ requestTimeoutMs: 1000 });
    const pending = console.request('info').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const err = await pending;
    expect(err).toMatchObject({ code: 'timeout' });
    expect((err as Error).message).toContain('#1 (info) within 1000 ms');
    port.emitData(Buffer.from(formatMachineLine({ t: 'res', id: 1, ok: true, result: { uptimeMs: 1 } })));
    await vi.advanceTimersByTimeAsync(0);
    expect(console.log).toHaveLength(1);
    vi.useRealTimers();
    await conn.close();
  });

  it("fails pending requests with 'disconnected' when the port closes, and refuses new ones", async () => {
    const { console, conn } = await mockConsole();
    const pending = console.request('ping', {}, { timeoutMs: 60_000 });
    await conn.close();
    await expect(pending).rejects.toMatchObject({ code: 'disconnected' });
    await expect(console.request('ping')).rejects.toMatchObject({ code: 'disconnected' });
  });

  it("ends a request at once with 'io' when its answer is malformed", async () => {
    const { console, conn, port } = await mockConsole();
    const pending = console.request('ping', {}, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    await tick();
    port.emitData(Buffer.from('@esphil {"t":"res","id":1,"ok":"yes"}\r\n'));
    const err = await pending;
    expect(err).toMatchObject({ code: 'io' });
    expect((err as Error).message).toContain('Malformed answer to serial request #1 (ping)');
    expect((err as Error).message).toContain('{"t":"res","id":1,"ok":"yes"}');
    await conn.close();
  });

  it('keeps the log bounded and counts what it dropped', async () => {
    const { console, conn, port } = await mockConsole({ maxLogEntries: 3 });
    const start = console.mark();
    port.emitData(Buffer.from('1\n2\n3\n4\n5\n'));
    await tick();
    expect(console.log).toEqual(['3', '4', '5']);
    expect(console.stats.droppedLogEntries).toBe(2);
    expect(console.entries(start).map((e) => e.index)).toEqual([2, 3, 4]);
    expect(console.entries(4).map((e) => e.text)).toEqual(['5']);
    await conn.close();
  });

  it('emits the unterminated last line when the port closes', async () => {
    const { console, conn, port } = await mockConsole();
    port.emitData(Buffer.from('Rebooting...'));
    await tick();
    expect(console.log).toEqual([]);
    await conn.close();
    expect(console.log).toEqual(['Rebooting...']);
  });

  it('waitFor looks at history from a mark, then at new items', async () => {
    const { console, conn, port } = await mockConsole();
    const mark = console.mark();
    port.emitData(Buffer.from('alpha\n'));
    await tick();
    expect(
      await console.waitFor((i) => (i.kind === 'line' ? i.text : undefined), { since: mark, timeoutMs: 100 }),
    ).toBe('alpha');
    const next = console.waitFor((i) => (i.kind === 'line' ? i.text : undefined), { timeoutMs: 1000 });
    port.emitData(Buffer.from('beta\n'));
    expect(await next).toBe('beta');
    await conn.close();
  });
});

describe('SerialConsole over a custom binding', () => {
  it('talks to a scripted device: ok and error responses', async () => {
    const binding = new FakeBinding().addPort('/dev/ttyUSB1', { onWrite: echoDevice });
    const console = new SerialConsole(await openSerialPort({ path: '/dev/ttyUSB1', binding }));
    const ok = await console.request('ping');
    expect(ok).toEqual({ t: 'res', id: 1, ok: true, result: { uptimeMs: 5 } });
    const bad = await console.request('led.set', { led: 'x', on: true });
    expect(bad).toMatchObject({ ok: false, error: { code: 'unknown_target' } });
    await console.close();
  });

  it('rejects pending requests when the cable is pulled', async () => {
    const binding = new FakeBinding().addPort('/dev/ttyUSB1');
    const console = new SerialConsole(await openSerialPort({ path: '/dev/ttyUSB1', binding }));
    const pending = console.request('info', {}, { timeoutMs: 60_000 });
    await tick();
    binding.port('/dev/ttyUSB1').unplug();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'disconnected' });
    expect((err as Error).message).toContain('#1 (info) lost');
  });
});
