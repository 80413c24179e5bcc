import { once } from 'node:events';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSim, runSimCli } from './cli';
import { findSocat } from './pty';
import { openClient } from './testing/ws-client';

// Real pseudo-terminals through socat: the native serialport binding and stock johnny-five on device files.
let sim: RunningSim;
const log: string[] = [];

beforeAll(async () => {
  if (!findSocat()) {
    throw new Error('socat is not installed: the pty tests need it (apt-get install socat)');
  }
  const r = await runSimCli(['--pty', '--port', '0', '--http-port', '0', '--latency', 'zero'], {
    stdout: (l) => log.push(l),
    stderr: (l) => log.push(l),
  });
  if (r?.firmware !== 'esphil') throw new Error('runSimCli returned no running esphil sim');
  sim = r;
});
afterAll(async () => {
  await sim?.stop();
});

describe('esphil-sim --pty', () => {
  it('prints one JSON line with the URL and both pty paths first', () => {
    const info = JSON.parse(log[0]!) as { url: string; dutPty: string; probePty: string };
    expect(info).toEqual({
      url: sim.bench.url,
      pageUrl: sim.bench.pageUrl,
      dutPty: expect.stringMatching(/dut$/),
      probePty: expect.stringMatching(/probe$/),
    });
  });

  it('the native serialport binding talks to the DUT console through a real pty', async () => {
    const port = new SerialPort({ path: sim.info.dutPty!, baudRate: 115200 });
    await once(port, 'open');
    let rx = '';
    port.on('data', (d: Buffer) => {
      rx += d.toString('latin1');
    });
    port.write('@esphil {"id":41,"op":"info"}\r\n');
    while (!rx.includes('"id":41')) await once(port, 'data');
    expect(rx).toMatch(
      /@esphil \{"t":"res","id":41,"ok":true,"result":\{"fw":"0\.1\.0","board":"esp32-doit-devkit-v1"/,
    );
    port.close();
    await once(port, 'close');
  });

  it('stock johnny-five connects to the probe through another pty and reads the LED line', async () => {
    const serial = new SerialPort({ path: sim.info.probePty!, baudRate: 57600 });
    const io = new firmataIo.Firmata(serial, { reportVersionTimeout: 200 });
    const board = new five.Board({ io, repl: false, debug: false, sigint: false });
    await once(board, 'ready');
    const values: number[] = [];
    let wake: () => void = () => {};
    board.pinMode(2, board.MODES.INPUT);
    board.digitalRead(2, (v: number) => {
      values.push(v);
      wake();
    });
    while (values.length === 0) await new Promise<void>((r) => (wake = r));
    expect(values[0]).toBe(0);
    const ws = await openClient(sim.bench.url);
    await ws.request('led.set', { led: 'status', on: true });
    while (!values.includes(1)) await new Promise<void>((r) => (wake = r));
    expect(values.at(-1)).toBe(1);
    await ws.close();
    serial.close();
    await once(serial, 'close');
  });
});
