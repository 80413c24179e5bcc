import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { WiringSpec } from '@esphil/device-model';
import firmataIo from 'firmata-io';
import five from 'johnny-five';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeDeviceToStream } from '../binding/stream-bridge';
import { VirtualWiring } from '../wiring/virtual-wiring';
import { VirtualProbe } from './virtual-probe';

const SPEC: WiringSpec = {
  dutVcc: 3.3,
  probe: 'arduino-zero',
  wires: [{ kind: 'digital', name: 'status LED', dutPin: 2, probePin: 8 }],
};

function requireSocat(): void {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('pty tests need socat on PATH (Debian: apt-get install -y socat)');
  }
}

/** Start `socat pty pty` and resolve with the two pseudo-terminal paths it prints. */
async function ptyPair(): Promise<{ socat: ChildProcess; a: string; b: string }> {
  const socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const paths: string[] = [];
  let log = '';
  await new Promise<void>((resolve, reject) => {
    socat.once('exit', (code) => reject(new Error(`socat exited (${code}) before opening ptys: ${log}`)));
    socat.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      for (const m of log.matchAll(/PTY is (\S+)/g)) if (m[1] && !paths.includes(m[1])) paths.push(m[1]);
      if (paths.length >= 2 && log.includes('starting data transfer loop')) resolve();
    });
  });
  return { socat, a: paths[0]!, b: paths[1]! };
}

describe('johnny-five reaches the virtual probe through a real pseudo-terminal (native binding)', () => {
  let pair: Awaited<ReturnType<typeof ptyPair>>;
  beforeAll(async () => {
    requireSocat();
    pair = await ptyPair();
  });
  afterAll(() => {
    pair?.socat.kill();
  });

  it('connects and reads a DUT line', async () => {
    const wiring = new VirtualWiring(SPEC, { seed: 3 });
    const probe = new VirtualProbe({ board: SPEC.probe, io: wiring });
    // Host side first: firmata-io must be listening before the board announces itself.
    const hostPort = new SerialPort({ path: pair.b, baudRate: 57600 });
    // The probe boots like the real board (~2.1 s to the announcement): wait longer than that before asking.
    const io = new firmataIo.Firmata(hostPort, { reportVersionTimeout: 5000 });
    const board = new five.Board({ io, repl: false, debug: false, sigint: false });
    await once(hostPort, 'open');
    const devicePort = new SerialPort({ path: pair.a, baudRate: 57600 });
    const bridge = bridgeDeviceToStream(probe, devicePort, { path: pair.a });
    await once(board, 'ready');
    expect(io.firmware.name).toBe('StandardFirmata.ino');
    expect(probe.stats.versionQueries).toBe(0);

    const values: number[] = [];
    const high = new Promise<void>((resolve) => {
      board.pinMode(8, board.MODES.INPUT);
      board.digitalRead(8, (v) => {
        values.push(v);
        if (v === 1) resolve();
      });
    });
    wiring.setDutOutput(2, { level: 1 });
    await high;
    expect(values.at(-1)).toBe(1);

    bridge.close();
    probe.dispose();
    await Promise.all([new Promise((r) => hostPort.close(r)), new Promise((r) => devicePort.close(r))]);
  });
});
