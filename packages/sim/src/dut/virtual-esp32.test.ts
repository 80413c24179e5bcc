import { encodeImprovPacket, type ImprovRpcCommand } from '@esphil/protocol';
import { SerialPortStream } from '@serialport/stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createVirtualBinding } from '../binding/virtual-binding';
import { type DutHarness, startDut } from '../testing/dut';
import { expectRefused, openClient, type TestClient } from '../testing/ws-client';
import { dutSerialDevice } from './serial-adapter';

const rpc = (command: ImprovRpcCommand) => encodeImprovPacket({ type: 'rpc_command', rpc: command });
const wifiSettings = (ssid: string, password: string) => rpc({ command: 'wifi_settings', ssid, password });

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function dutWith(opts: Parameters<typeof startDut>[0] = {}): Promise<DutHarness> {
  const h = await startDut(opts);
  open.push(h);
  return h;
}
async function client(url: string, opts: Parameters<typeof openClient>[1] = {}): Promise<TestClient> {
  const c = await openClient(url, opts);
  open.push(c);
  return c;
}

/** Matches a one-byte Improv packet of `type` carrying `value` in console output. */
function improvMarker(type: number, value: number): RegExp {
  return new RegExp(`IMPROV${String.fromCharCode(1, type, 1, value)}`);
}

/** Improv packets in console output (device -> host). */
function improvPackets(text: string): { type: number; data: number[] }[] {
  const out: { type: number; data: number[] }[] = [];
  const b = Buffer.from(text, 'latin1');
  let i = b.indexOf('IMPROV');
  while (i >= 0) {
    const type = b[i + 7]!;
    const len = b[i + 8]!;
    out.push({ type, data: [...b.subarray(i + 9, i + 9 + len)] });
    i = b.indexOf('IMPROV', i + 9 + len);
  }
  return out;
}

describe('VirtualEsp32 over WebSocket', () => {
  it('answers every op a client may send', async () => {
    const h = await dutWith();
    const c = await client(h.dut.url);
    const hello = c.frames[0]!;
    expect(hello).toMatchObject({
      t: 'hello',
      proto: 1,
      seq: 0,
      boot: h.dut.bootId,
      board: 'esp32-doit-devkit-v1',
    });
    expect((await c.request('ping', { ts: 42 })).result).toMatchObject({ ts: 42 });
    expect((await c.request('info')).result).toMatchObject({
      board: 'esp32-doit-devkit-v1',
      clients: 1,
      ip: '127.0.0.1',
    });
    expect((await c.request('state.get')).result).toMatchObject({ leds: { status: false } });
    expect((await c.request('led.set', { led: 'status', on: true })).result).toEqual({
      led: 'status',
      on: true,
    });
    expect((await c.request('led.toggle', { led: 'status' })).result).toEqual({ led: 'status', on: false });
    expect((await c.request('pwm.set', { ch: 'fan', duty: 0.5 })).ok).toBe(true);
    expect((await c.request('pwm.config', { ch: 'fan', freq: 1000, bits: 8 })).result).toMatchObject({
      freq: 1000,
      bits: 8,
    });
    expect((await c.request('sensor.subscribe', { sensor: 'light', hz: 10 })).result).toEqual({
      sensor: 'light',
      hz: 10,
    });
    expect((await c.request('sensor.unsubscribe', { sensor: 'light' })).result).toEqual({ sensor: 'light' });
    expect((await c.request('log.level', { level: 'debug' })).result).toEqual({ level: 'debug' });
    expect((await c.request('auth', { token: 'x' })).ok).toBe(true);
    expect((await c.request('config.get')).ok).toBe(true);
    expect((await c.request('led.set', { led: 'nope', on: true })).error).toMatchObject({
      code: 'unknown_target',
    });
    expect((await c.request('frobnicate')).error).toMatchObject({ code: 'unknown_op' });
    const reboot = await c.request('reboot');
    expect(reboot.result).toHaveProperty('inMs');
    expect((await c.closed).code).toBe(1000);
  });

  it('refuses to start with a config the hardware cannot run', async () => {
    await expect(
      startDut({ config: { version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'status', pin: 6 }] } }),
    ).rejects.toMatchObject({ code: 'bad_config', message: expect.stringMatching(/pin/) });
  });

  it('broadcasts state changes to every client, numbered per connection', async () => {
    const h = await dutWith();
    const a = await client(h.dut.url);
    const b = await client(h.dut.url);
    await a.request('led.set', { led: 'status', on: true });
    expect(await b.next((f) => f.ev === 'led')).toMatchObject({
      seq: 1,
      led: 'status',
      on: true,
      by: 'ws:0',
    });
    expect(await a.next((f) => f.ev === 'led')).toMatchObject({ seq: 1 });
    await b.request('pwm.set', { ch: 'fan', raw: 1023 });
    expect(await a.next((f) => f.ev === 'pwm')).toMatchObject({ seq: 2, ch: 'fan', duty: 1023, by: 'ws:1' });
  });

  it('drives pins: LED level, PWM fraction incl. full-on', async () => {
    const h = await dutWith();
    const c = await client(h.dut.url);
    await c.request('led.set', { led: 'status', on: true });
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 1 });
    await c.request('pwm.set', { ch: 'fan', raw: 1023 });
    expect(h.pins.outputs.get(18)).toMatchObject({ kind: 'pwm', freq: 5000, fraction: 1 });
    await c.request('pwm.set', { ch: 'fan', duty: 0.25 });
    const out = h.pins.outputs.get(18);
    expect(out?.kind === 'pwm' && out.fraction).toBeCloseTo(0.25, 2);
  });

  it('inverts active-low LEDs at the pin', async () => {
    const h = await dutWith({
      config: {
        version: 1,
        board: 'esp32-doit-devkit-v1',
        leds: [{ name: 'status', pin: 2, activeLow: true }],
      },
    });
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 1 });
    const c = await client(h.dut.url);
    await c.request('led.set', { led: 'status', on: true });
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 0 });
  });

  it('debounces button input into button events', async () => {
    const h = await dutWith();
    const c = await client(h.dut.url);
    h.pins.setInput(4, 0);
    h.pins.setInput(4, 1);
    h.pins.setInput(4, 0);
    expect(await c.next((f) => f.ev === 'button')).toMatchObject({ button: 'boot', pressed: true, seq: 1 });
    h.pins.setInput(4, 1);
    expect(await c.next((f) => f.ev === 'button')).toMatchObject({ button: 'boot', pressed: false, seq: 2 });
  });

  it('streams sensor readings only to the subscribed client', async () => {
    const h = await dutWith();
    h.pins.setVolts(34, 1.65);
    const a = await client(h.dut.url);
    const b = await client(h.dut.url);
    await a.request('sensor.subscribe', { sensor: 'light', hz: 50 });
    const ev = await a.next((f) => f.ev === 'sensor');
    expect(ev).toMatchObject({ sensor: 'light', raw: 2048 });
    await a.next((f) => f.ev === 'sensor');
    await b.request('ping');
    expect(b.frames.some((f) => f.ev === 'sensor')).toBe(false);
  });

  it('answers the tutorial legacy text', async () => {
    const h = await dutWith();
    const c = await client(h.dut.url);
    c.send('LED ON');
    expect(await c.next((f) => typeof f.text === 'string')).toEqual({ text: 'LED is now ON' });
    expect(await c.next((f) => f.ev === 'led')).toMatchObject({ on: true, by: 'legacy:0' });
    c.send('LED OFF');
    expect(await c.next((f) => f.text === 'LED is now OFF')).toBeTruthy();
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 0 });
  });

  it('ignores legacy text when the config turns it off', async () => {
    const h = await dutWith({
      config: {
        version: 1,
        board: 'esp32-doit-devkit-v1',
        leds: [{ name: 'status', pin: 2 }],
        websocket: { legacyText: false },
      },
    });
    const c = await client(h.dut.url);
    c.send('LED ON');
    expect((await c.request('state.get')).result).toMatchObject({ leds: { status: false } });
    expect(c.frames.filter((f) => f.t !== 'hello').length).toBe(1);
  });

  it('answers malformed frames with errors and keeps the connection', async () => {
    const h = await dutWith();
    const c = await client(h.dut.url);
    c.send('{not json');
    expect(await c.next((f) => f.t === 'res')).toMatchObject({ ok: false, error: { code: 'bad_json' } });
    c.send('[1,2]');
    expect(await c.next((f) => f.t === 'res')).toMatchObject({ ok: false });
    expect((await c.request('ping')).ok).toBe(true);
  });

  it('reset drops every client, changes the boot id and returns state to the config defaults', async () => {
    const h = await dutWith();
    const a = await client(h.dut.url);
    const b = await client(h.dut.url);
    await a.request('led.set', { led: 'status', on: true });
    const boot1 = h.dut.bootId;
    await h.dut.reset();
    expect((await a.closed).code).toBe(1006);
    expect((await b.closed).code).toBe(1006);
    const c = await client(h.dut.url);
    expect(c.frames[0]!.boot).not.toBe(boot1);
    expect(c.frames[0]!.state).toMatchObject({ leds: { status: false } });
    expect(h.pins.outputs.get(2)).toEqual({ kind: 'digital', level: 0 });
  });

  it('token auth and origin refusal from the device config', async () => {
    const h = await dutWith({
      token: 'pw-0123456789abcdef',
      config: {
        version: 1,
        board: 'esp32-doit-devkit-v1',
        leds: [{ name: 'status', pin: 2 }],
        websocket: { allowedOrigins: ['http://app.test'] },
      },
    });
    expect((await expectRefused(h.dut.url, { origin: 'http://other.test' })).status).toBe(400);
    const c = await client(h.dut.url, { origin: 'http://app.test' });
    expect(c.frames[0]!.t).toBe('auth_required');
    expect((await c.request('state.get')).error).toMatchObject({ code: 'unauthorized' });
    expect((await c.request('auth', { token: 'pw-0123456789abcdef' })).ok).toBe(true);
    expect(await c.next((f) => f.t === 'hello')).toMatchObject({ caps: { auth: true } });
    expect((await c.request('state.get')).ok).toBe(true);
  });
});

describe('VirtualEsp32 serial console', () => {
  it('prints the ROM banner, app log and machine lines with the URL', async () => {
    const h = await dutWith();
    const text = h.console();
    expect(text).toContain('rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)');
    expect(text).toMatch(/\[\s*\d+\]\[I\]\[main\.cpp:\d+\] setup\(\): esphil/);
    expect(text).toContain(`@esphil {"t":"boot","fw":"0.1.0","board":"esp32-doit-devkit-v1"`);
    expect(text).toContain('@esphil {"t":"wifi","status":"connected"');
    expect(text).toContain(`"url":"${h.dut.url}"`);
  });

  it('answers prefixed requests over serial as machine lines, prints events, ignores other lines', async () => {
    const h = await dutWith();
    const from = h.consoleLength();
    h.dut.serialWrite(Buffer.from('@esphil {"id":7,"op":"led.set","led":"status","on":true}\r\n'));
    await h.waitConsole(/@esphil \{"t":"res","id":7,"ok":true/, from);
    expect(h.console().slice(from)).toMatch(
      /@esphil \{"t":"evt","seq":1,"ev":"led","led":"status","on":true,"by":"serial"\}/,
    );
    h.dut.serialWrite(Buffer.from('{"id":8,"op":"ping"}\r\nLED ON\r\n@esphil garbage\r\n'));
    await h.waitConsole(/"ok":false,"error":\{"code":"bad_json"/, from);
    expect(h.console().slice(from)).not.toContain('"id":8');
    const sub = await new Promise<string>((resolve) => {
      const at = h.consoleLength();
      h.dut.serialWrite(Buffer.from('@esphil {"id":9,"op":"sensor.subscribe","sensor":"light","hz":5}\r\n'));
      void h.waitConsole(/"id":9.*\r\n/, at).then((m) => resolve(m[0]));
    });
    expect(sub).toContain('"code":"bad_param"');
  });

  it('config.set over serial stores the config and reboots into it; WebSocket clients may not', async () => {
    const h = await dutWith();
    const c = await client(h.dut.url);
    expect(
      (await c.request('config.set', { config: { version: 1, board: 'esp32-doit-devkit-v1' } })).error,
    ).toMatchObject({
      code: 'unauthorized',
    });
    const from = h.consoleLength();
    const ready = new Promise((r) => h.dut.once('ready', r));
    const config = { version: 1, board: 'esp32-doit-devkit-v1', leds: [{ name: 'red', pin: 23 }] };
    h.dut.serialWrite(Buffer.from(`@esphil ${JSON.stringify({ id: 3, op: 'config.set', config })}\r\n`));
    await h.waitConsole(/"id":3,"ok":true/, from);
    await ready;
    expect(h.console().slice(from)).toContain('rst:0xc (SW_CPU_RESET)');
    const d = await client(h.dut.url);
    expect((d.frames[0]!.caps as { leds: unknown[] }).leds).toEqual([{ name: 'red', pin: 23 }]);
  });

  it('provisions WiFi over Improv: success yields the URL', async () => {
    const h = await dutWith({ credentials: null });
    expect(h.console()).toContain('"status":"unprovisioned"');
    expect(h.console()).toContain('"url":null');
    expect((await expectRefused(h.dut.url)).opened).toBe(false);
    const from = h.consoleLength();
    h.dut.serialWrite(wifiSettings('esphil-lab', 'esphil-sim'));
    await h.waitConsole(/"t":"ready".*"url":"ws:/, from);
    const packets = improvPackets(h.console().slice(from));
    expect(packets[0]).toEqual({ type: 0x01, data: [0x03] });
    expect(packets.at(-2)).toEqual({ type: 0x01, data: [0x04] });
    expect(Buffer.from(packets.at(-1)!.data).toString('latin1')).toContain(h.dut.url);
    const c = await client(h.dut.url);
    expect(c.frames[0]!.t).toBe('hello');
  });

  it('Improv: wrong password and unknown network end in "unable to connect"', async () => {
    const h = await dutWith({ credentials: null });
    for (const [ssid, pw] of [
      ['esphil-lab', 'wrong'],
      ['nowhere', 'x'],
    ] as const) {
      const from = h.consoleLength();
      h.dut.serialWrite(wifiSettings(ssid, pw));
      await h.waitConsole(/"status":"failed"/, from);
      await h.waitConsole(improvMarker(0x01, 0x02), from);
      const packets = improvPackets(h.console().slice(from));
      expect(packets).toContainEqual({ type: 0x02, data: [0x03] });
      expect(h.dut.wifiConnected).toBe(false);
    }
  });

  it('Improv: state, device info and scan', async () => {
    const h = await dutWith();
    const from = h.consoleLength();
    h.dut.serialWrite(rpc({ command: 'get_info' }));
    h.dut.serialWrite(rpc({ command: 'get_networks' }));
    h.dut.serialWrite(rpc({ command: 'other', code: 0x7e, data: new Uint8Array() }));
    await h.waitConsole(improvMarker(0x02, 0x02), from);
    const text = h.console().slice(from);
    expect(text).toContain('esphil');
    expect(text).toContain('esphil-lab');
  });

  it('auto-reset circuit over the serial binding: run-mode and download-mode resets', async () => {
    const h = await dutWith();
    const binding = createVirtualBinding();
    const dev = dutSerialDevice(h.dut);
    binding.attach('/sim/dut', dev);
    const port = new SerialPortStream({ binding, path: '/sim/dut', baudRate: 115200, autoOpen: false });
    await new Promise<void>((r, j) => port.open((e) => (e ? j(e) : r())));
    let rx = '';
    port.on('data', (d: Buffer) => {
      rx += d.toString('latin1');
    });
    const set = (s: { dtr: boolean; rts: boolean }) =>
      new Promise<void>((r, j) => port.set(s, (e) => (e ? j(e) : r())));
    expect(h.dut.phase).toBe('running');

    // esptool bootloader sequence
    await set({ dtr: false, rts: true });
    expect(h.dut.phase).toBe('reset');
    await set({ dtr: true, rts: false });
    // GPIO0 is latched when EN has been high for EN_RELEASE_MS (the board's EN RC), so it is held until then.
    await h.dut.waitForPhase('download');
    await set({ dtr: false, rts: false });
    while (!rx.includes('waiting for download')) await new Promise((r) => port.once('data', r));
    expect(rx).toContain('boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))');
    expect((await expectRefused(h.dut.url)).opened).toBe(false);

    // esptool hard reset (run mode)
    rx = '';
    await set({ dtr: false, rts: true });
    const running = h.dut.waitForPhase('running');
    await set({ dtr: false, rts: false });
    await running;
    while (!rx.includes('"t":"ready"')) await new Promise((r) => port.once('data', r));
    expect(rx).toContain('boot:0x13 (SPI_FAST_FLASH_BOOT)');
    const c = await client(h.dut.url);
    expect(c.frames[0]!.t).toBe('hello');
    await new Promise<void>((r) => port.close(() => r()));
    dev.detach();
  });
});
