// VirtualEsp32 in body mode with the firmware itself (esphil-native in device mode) as its body: the firmware's own
// connection code answers real WebSocket clients on loopback, its own console is on the board's UART, and the board
// adds the chip's output, pins with their faults, link faults and latency, resets and crashes.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeImprovPacket, type ImprovRpcCommand } from '@esphil/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimBench } from '../../bench';
import { SimError } from '../../errors';
import { type DutHarness, startDut } from '../../testing/dut';
import { buildNativeForTest } from '../../testing/native-build';
import { expectRefused, openClient, type TestClient } from '../../testing/ws-client';
import { nativeDeviceBodyFactory } from '../body/native-body';
import { tsDeviceBodyFactory } from '../body/ts-body';
import { tsBackendFactory } from '../ts-backend';
import type { VirtualEsp32Options } from '../virtual-esp32';
import { VirtualEsp32 } from '../virtual-esp32';

let executable = '';
const open: { close(): Promise<void> }[] = [];

let dir = '';
/** esphil-native behind a shell that writes its pid first, so a test can kill the firmware process. */
let killable = '';

beforeAll(() => {
  executable = buildNativeForTest('sim-board');
  dir = mkdtempSync(join(tmpdir(), 'esphil-body-mode-'));
  killable = join(dir, 'native.sh');
  writeFileSync(killable, `#!/bin/sh\necho $$ > '${join(dir, 'pid')}'\nexec '${executable}' "$@"\n`);
  chmodSync(killable, 0o755);
}, 600_000);
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((h) => h.close()));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function board(opts: Partial<VirtualEsp32Options> = {}): Promise<DutHarness> {
  const h = await startDut({ body: nativeDeviceBodyFactory({ executable }), ...opts });
  open.push(h);
  return h;
}
async function client(url: string, opts: Parameters<typeof openClient>[1] = {}): Promise<TestClient> {
  const c = await openClient(url, opts);
  open.push(c);
  return c;
}

/** The machine lines (`@esphil {...}`) on the console, parsed. */
function machineLines(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const m of text.matchAll(/@esphil (\{[^\r\n]*\})\r\n/g))
    out.push(JSON.parse(m[1]!) as Record<string, unknown>);
  return out;
}

const rpc = (command: ImprovRpcCommand) => encodeImprovPacket({ type: 'rpc_command', rpc: command });

const improvWifi = (ssid: string, password: string) => rpc({ command: 'wifi_settings', ssid, password });
const nextEvent = (c: TestClient, ev: string) => c.next((f) => f.ev === ev, `${ev} event`);
const nextReady = (h: DutHarness) =>
  new Promise<{ boot: string; url: string | null }>((resolve) => h.dut.once('ready', resolve));

describe('VirtualEsp32 with the native firmware as its body', () => {
  it("boots: ROM banner from the board, then the firmware's boot, wifi and ready lines naming the real port", async () => {
    const h = await board();
    expect(h.dut.phase).toBe('running');
    expect(h.dut.bodyMode).toBe(true);
    const text = h.console();
    expect(text).toMatch(/rst:0x1 \(POWERON_RESET\)/);
    const lines = machineLines(text);
    expect(lines.find((l) => l.t === 'boot')).toMatchObject({
      device: h.dut.deviceId,
      boot: h.dut.bootId,
      reason: 'poweron',
    });
    expect(lines.find((l) => l.t === 'wifi' && l.status === 'connected')).toBeTruthy();
    expect(lines.find((l) => l.t === 'ready')).toMatchObject({
      ip: '127.0.0.1',
      port: h.dut.port,
      url: `ws://127.0.0.1:${h.dut.port}/`,
    });
    expect(h.dut.wifiConnected).toBe(true);
    expect(h.dut.url).toBe(`ws://127.0.0.1:${h.dut.port}/`);
  });

  it('gives `backend` and `body` together a clear error', () => {
    expect(
      () =>
        new VirtualEsp32({
          config: { version: 1, board: 'esp32-doit-devkit-v1' },
          backend: tsBackendFactory,
          body: nativeDeviceBodyFactory({ executable }),
        }),
    ).toThrow(SimError);
    expect(() => new VirtualEsp32({ config: { version: 1, board: 'esp32-doit-devkit-v1' } })).toThrow(
      /`backend` or `body`/,
    );
  });

  it('a missing firmware executable is a bench error (start() rejects), not a boot loop', async () => {
    const dut = new VirtualEsp32({
      config: { version: 1, board: 'esp32-doit-devkit-v1' },
      body: nativeDeviceBodyFactory({ executable: join(dir, 'no-such-esphil-native') }),
      latency: 'zero',
      heartbeat: false,
    });
    open.push(dut);
    await expect(dut.start()).rejects.toMatchObject({ code: 'bad_option' });
  });

  it('a client gets the firmware hello and drives the LED and the PWM pin', async () => {
    const h = await board();
    const c = await client(h.dut.url);
    expect(c.frames[0]).toMatchObject({ t: 'hello', seq: 0, boot: h.dut.bootId, device: h.dut.deviceId });
    expect((await c.request('led.set', { led: 'status', on: true })).ok).toBe(true);
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 1 });
    expect(await nextEvent(c, 'led')).toMatchObject({ seq: 1, led: 'status', on: true });
    await c.request('pwm.set', { ch: 'fan', raw: 1023 });
    expect(h.pins.outputs.get(18)).toMatchObject({ kind: 'pwm', freq: 5000, fraction: 1 });
    // The firmware mirrors every event on its own console.
    expect(machineLines(h.console()).some((l) => l.t === 'evt' && l.ev === 'led')).toBe(true);
  });

  it('a request sent right before the client closes still reaches the firmware (the library reads in order)', async () => {
    const h = await board();
    const c = await client(h.dut.url);
    c.send({ id: 31, op: 'led.set', led: 'status', on: true });
    await c.close();
    await vi.waitFor(() => expect(h.dut.clientCount).toBe(0));
    await h.dut.bodyServer!.idle();
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 1 });
  });

  it('a button level change reaches the client as an event (the firmware debounces it)', async () => {
    const h = await board();
    const c = await client(h.dut.url);
    h.pins.setInput(4, 0);
    expect(await nextEvent(c, 'button')).toMatchObject({ button: 'boot', pressed: true, seq: 1 });
    h.pins.setInput(4, 1);
    expect(await nextEvent(c, 'button')).toMatchObject({ button: 'boot', pressed: false, seq: 2 });
  });

  it('sensor.subscribe streams the ADC level', async () => {
    const h = await board();
    h.pins.setVolts(34, 1.65);
    const c = await client(h.dut.url);
    expect((await c.request('sensor.subscribe', { sensor: 'light', hz: 50 })).ok).toBe(true);
    expect(await nextEvent(c, 'sensor')).toMatchObject({ sensor: 'light', raw: 2048 });
    h.pins.setVolts(34, 3.3);
    await c.next((f) => f.ev === 'sensor' && f.raw === 4095, 'a sample at the new level');
  });

  it('reset drops every client and boots a new body; reboot closes 1000 first', async () => {
    const h = await board();
    const boot1 = h.dut.bootId;
    const a = await client(h.dut.url);
    await h.dut.reset();
    expect((await a.closed).code).toBe(1006);
    expect(h.dut.bootId).not.toBe(boot1);
    const b = await client(h.dut.url);
    expect(b.frames[0]).toMatchObject({ t: 'hello', boot: h.dut.bootId });
    const boot2 = h.dut.bootId;
    await h.dut.reboot();
    expect((await b.closed).code).toBe(1000);
    expect(h.dut.bootId).not.toBe(boot2);
    expect(h.dut.boots).toBe(3);
    expect(h.console()).toContain('rst:0xc (SW_CPU_RESET)');
    expect(
      machineLines(h.console())
        .filter((l) => l.t === 'boot')
        .map((l) => l.reason),
    ).toEqual(['poweron', 'poweron', 'sw']);
  });

  it("the firmware's own reboot: close 1000 from the body, then the board restarts", async () => {
    const h = await board();
    const boot1 = h.dut.bootId;
    const c = await client(h.dut.url);
    const ready = nextReady(h);
    expect((await c.request('reboot')).ok).toBe(true);
    expect((await c.closed).code).toBe(1000);
    expect((await ready).boot).not.toBe(boot1);
    expect(h.dut.boots).toBe(2);
  });

  it('Improv provisioning from unprovisioned: the firmware joins, stores the credentials, the board keeps them', async () => {
    const h = await board({ credentials: null });
    expect(h.dut.wifiConnected).toBe(false);
    expect(machineLines(h.console())).toContainEqual({ t: 'wifi', status: 'unprovisioned' });
    expect((await expectRefused(h.dut.url)).opened).toBe(false);
    const ready = nextReady(h);
    h.dut.serialWrite(improvWifi('esphil-lab', 'esphil-sim'));
    expect((await ready).url).toBe(h.dut.url);
    await h.waitConsole(/"t":"ready","ip":"127\.0\.0\.1"/);
    expect(h.console()).toContain(`ws://127.0.0.1:${h.dut.port}/`);
    expect(h.dut.wifiConnected).toBe(true);
    const c = await client(h.dut.url);
    expect(c.frames[0]!.t).toBe('hello');
    // NVS kept them: the next boot joins by itself.
    await h.dut.reset();
    expect(h.dut.wifiConnected).toBe(true);
  });

  it('a serial request is answered by the firmware on its console', async () => {
    const h = await board();
    const from = h.consoleLength();
    h.dut.serialWrite(Buffer.from('@esphil {"id":7,"op":"led.set","led":"status","on":true}\n'));
    await h.waitConsole(/"t":"res","id":7,"ok":true/, from);
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 1 });
  });

  it('config.set over serial: the firmware stores it, the board boots into it', async () => {
    const h = await board();
    const ready = nextReady(h);
    const config = {
      version: 1,
      board: 'esp32-doit-devkit-v1',
      name: 'renamed',
      leds: [{ name: 'status', pin: 2 }],
    };
    h.dut.serialWrite(Buffer.from(`@esphil ${JSON.stringify({ id: 3, op: 'config.set', config })}\n`));
    await ready;
    expect(h.dut.config.name).toBe('renamed');
    expect(h.dut.deviceId).toMatch(/^renamed-[0-9a-f]{6}$/);
  });

  it('the native process killed: the reason on the console, a panic, then a fresh boot', async () => {
    const h = await board({ body: nativeDeviceBodyFactory({ executable: killable }) });
    const boot1 = h.dut.bootId;
    const from = h.consoleLength();
    const ready = nextReady(h);
    process.kill(Number(readFileSync(join(dir, 'pid'), 'utf8')), 'SIGKILL');
    await h.waitConsole(/device core exited \(SIGKILL\)/, from);
    await h.waitConsole(/Guru Meditation Error/, from);
    expect((await ready).boot).not.toBe(boot1);
    expect(h.dut.boots).toBe(2);
    const c = await client(h.dut.url);
    expect(c.frames[0]).toMatchObject({ t: 'hello', boot: h.dut.bootId });
  });
});

describe('body mode with the TS body: the same console and connection code as the firmware', () => {
  const tsBoard = (opts: Partial<VirtualEsp32Options> = {}) => board({ body: tsDeviceBodyFactory, ...opts });

  it("boots: ROM banner from the board, then the body's boot, wifi and ready lines naming the real port", async () => {
    const h = await tsBoard();
    expect(h.dut.phase).toBe('running');
    expect(h.console()).toMatch(/POWERON_RESET/);
    const lines = machineLines(h.console());
    expect(lines.find((l) => l.t === 'boot')).toMatchObject({ device: h.dut.deviceId, boot: h.dut.bootId });
    expect(lines.find((l) => l.t === 'ready')).toMatchObject({
      ip: '127.0.0.1',
      port: h.dut.port,
      url: `ws://127.0.0.1:${h.dut.port}/`,
    });
    const c = await client(h.dut.url);
    expect(c.frames[0]).toMatchObject({ t: 'hello', boot: h.dut.bootId, device: h.dut.deviceId });
    await c.request('led.set', { led: 'status', on: true });
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 1 });
    expect(machineLines(h.console()).some((l) => l.t === 'evt' && l.ev === 'led')).toBe(true);
  });

  it('Improv provisioning from unprovisioned, and a serial request answered on its console', async () => {
    const h = await tsBoard({ credentials: null });
    expect(machineLines(h.console())).toContainEqual({ t: 'wifi', status: 'unprovisioned' });
    const ready = nextReady(h);
    h.dut.serialWrite(improvWifi('esphil-lab', 'esphil-sim'));
    expect((await ready).url).toBe(h.dut.url);
    await h.waitConsole(/"t":"ready","ip":"127\.0\.0\.1"/);
    const from = h.consoleLength();
    h.dut.serialWrite(Buffer.from('@esphil {"id":7,"op":"led.set","led":"status","on":true}\n'));
    await h.waitConsole(/"t":"res","id":7,"ok":true/, from);
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 1 });
    await h.dut.reset();
    expect(h.dut.wifiConnected).toBe(true);
  });

  it('SimBenchOptions.body reaches the DUT', async () => {
    const bench = await startSimBench({ body: tsDeviceBodyFactory, latency: 'zero', httpPort: null });
    open.push(bench);
    expect(bench.dut.bodyMode).toBe(true);
    const c = await client(bench.url);
    expect(c.frames[0]!.t).toBe('hello');
  });
});

describe('body mode: link faults on what the firmware sends', () => {
  it('ack-drop: responses are lost while events still arrive', async () => {
    const h = await board({ faults: ['ack-drop:1'] });
    const c = await client(h.dut.url);
    c.send({ id: 5, op: 'led.set', led: 'status', on: true });
    await nextEvent(c, 'led');
    c.send({ id: 6, op: 'led.set', led: 'status', on: false });
    await nextEvent(c, 'led');
    expect(c.frames.some((f) => f.t === 'res')).toBe(false);
  });

  it('ack-delay: the response is held back for the given time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const h = await board({ faults: ['ack-delay:200'] });
    const c = await client(h.dut.url);
    const conn = h.dut.bodyServer!.transport.connection(0)!;
    c.send({ id: 9, op: 'ping' });
    while (conn.pendingFrames === 0) await new Promise((r) => setImmediate(r));
    await vi.advanceTimersByTimeAsync(199);
    expect(conn.pendingFrames).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(conn.pendingFrames).toBe(0);
    expect(await c.next((f) => f.t === 'res')).toMatchObject({ id: 9, ok: true });
  });

  it('event-drop: events go missing and the seq numbers the firmware gave show the gaps', async () => {
    const h = await board({ faults: ['event-drop:0.5'], seed: 3 });
    const c = await client(h.dut.url);
    for (let i = 0; i < 20; i++) await c.request('led.toggle', { led: 'status' });
    const seqs = c.frames.filter((f) => f.ev === 'led').map((f) => f.seq as number);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs.length).toBeLessThan(20);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(seqs.some((s, i) => s !== i + 1)).toBe(true);
  });

  it('corrupt-frames: outgoing frames are mangled (hello stays intact)', async () => {
    const h = await board({ faults: ['corrupt-frames:1'] });
    const c = await client(h.dut.url);
    expect(c.frames[0]!.t).toBe('hello');
    c.send({ id: 1, op: 'ping' });
    const f = await c.next();
    expect(typeof f.text).toBe('string');
    expect(() => JSON.parse(f.text as string)).toThrow();
  });

  it('client-limit: the library has only n slots; the next client gets no HTTP answer', async () => {
    const h = await board({ faults: ['client-limit:2'] });
    await client(h.dut.url);
    await client(h.dut.url);
    expect(await expectRefused(h.dut.url)).toEqual({ opened: false, error: expect.any(String) });
  });

  it('latency: frames are held back, yet every answer and event keeps its order', async () => {
    const h = await board({ latency: 'wifi', seed: 11 });
    const c = await client(h.dut.url);
    const conn = h.dut.bodyServer!.transport.connection(0)!;
    let held = 0;
    for (let i = 0; i < 10; i++) c.send({ id: 100 + i, op: 'led.toggle', led: 'status' });
    while (c.frames.filter((f) => f.t === 'res').length < 10) {
      held = Math.max(held, conn.pendingFrames);
      await new Promise((r) => setImmediate(r));
    }
    await c.next((f) => f.ev === 'led' && f.seq === 10, 'the tenth event');
    expect(held).toBeGreaterThan(0);
    expect(c.frames.filter((f) => f.t === 'res').map((f) => f.id)).toEqual(
      [...Array(10).keys()].map((i) => 100 + i),
    );
    expect(c.frames.filter((f) => f.ev === 'led').map((f) => f.seq)).toEqual(
      [...Array(10).keys()].map((i) => i + 1),
    );
  });

  it('hung: frames and serial requests that arrive meanwhile are lost; after it, the firmware answers again', async () => {
    const h = await board();
    const c = await client(h.dut.url);
    h.dut.setHung(true);
    // The server's socket has read the frame once its `message` fires (the transport's listener, first, dropped it).
    const server = h.dut.bodyServer!.transport.connection(0)!.ws;
    const read = new Promise((resolve) => server.once('message', resolve));
    c.send({ id: 901, op: 'ping' });
    h.dut.serialWrite(Buffer.from('@esphil {"id":21,"op":"ping"}\n'));
    await read;
    h.dut.setHung(false);
    expect((await c.request('ping')).ok).toBe(true);
    expect(
      c.frames.filter((f) => f.t === 'res').map((f) => f.id),
      JSON.stringify(c.frames),
    ).not.toContain(901);
    expect(h.console()).not.toContain('"id":21');
  });

  it('reboot-after and reboot-loop: the board restarts the firmware (a fresh body, a new boot id)', async () => {
    const h = await board({ faults: ['reboot-after:20'] });
    const boot1 = h.dut.bootId;
    expect((await nextReady(h)).boot).not.toBe(boot1);
    expect(h.console()).toContain('rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)');
    const l = await board({ faults: ['reboot-loop'] });
    for (let i = 0; i < 2; i++) await nextReady(l);
    expect(l.dut.boots).toBeGreaterThanOrEqual(3);
    expect(
      machineLines(l.console())
        .filter((x) => x.t === 'boot')
        .map((x) => x.reason),
    ).toContain('panic');
  });

  it('wifi-down: the firmware cannot join; WebSocket refused, the app still runs', async () => {
    const h = await board({ faults: ['wifi-down'] });
    await h.waitConsole(/"t":"wifi","status":"failed"/);
    expect(h.dut.wifiConnected).toBe(false);
    expect((await expectRefused(h.dut.url)).opened).toBe(false);
    expect(h.dut.phase).toBe('running');
  });
});

describe('body mode: pin faults on the inputs and outputs of the body', () => {
  it('led-stuck-low: the pin stays low while the firmware reports the LED on', async () => {
    const h = await board({ faults: ['led-stuck-low'] });
    const c = await client(h.dut.url);
    expect((await c.request('led.set', { led: 'status', on: true })).result).toEqual({
      led: 'status',
      on: true,
    });
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 0 });
  });

  it('pwm-offset: the real duty is off by the given percentage points', async () => {
    const h = await board({ faults: ['pwm-offset:10'] });
    const c = await client(h.dut.url);
    await c.request('pwm.set', { ch: 'fan', duty: 0.5 });
    const out = h.pins.outputs.get(18);
    expect(out?.kind === 'pwm' && out.fraction).toBeCloseTo(0.6, 2);
  });

  it('button-dead: a press never reaches the firmware (a healthy board sees the same press)', async () => {
    for (const [faults, expected] of [
      [[], true],
      [['button-dead'], false],
    ] as const) {
      const h = await board({ faults: [...faults] });
      h.pins.setInput(4, 0);
      // Counted in loop passes, not time: 20 body calls are at least 10 passes of 10 ms, past the 30 ms debounce.
      const jobs = h.dut.jobsRun;
      await expect.poll(() => h.dut.jobsRun - jobs, { timeout: 5_000 }).toBeGreaterThan(20);
      if (expected) await h.waitConsole(/"ev":"button"/);
      expect(h.console().includes('"ev":"button"'), faults.join()).toBe(expected);
    }
  });

  it('sensor-frozen: the ADC keeps its first reading', async () => {
    const h = await board({ faults: ['sensor-frozen'] });
    h.pins.setVolts(34, 1.0);
    const c = await client(h.dut.url);
    await c.request('sensor.subscribe', { sensor: 'light', hz: 50 });
    const first = await nextEvent(c, 'sensor');
    h.pins.setVolts(34, 3.0);
    const later = await nextEvent(c, 'sensor');
    expect(later.raw).toBe(first.raw);
  });
});
