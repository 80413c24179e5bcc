// The project's real host-side serial code (@esphil/serial: open, esptool resets, boot log, requests, Improv)
// against the simulated bench through the virtual serialport binding, unchanged.
import { decodeSerialMachineLine } from '@esphil/protocol';
import {
  ImprovClient,
  openSerialPort,
  resetToBootloader,
  resetToRunMode,
  type SerialConnection,
  SerialConsole,
  waitForReady,
} from '@esphil/serial';
import { afterEach, describe, expect, it } from 'vitest';
import { type SimBench, type SimBenchOptions, startSimBench } from './bench';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const FAST = { timings: { resetMs: 5, bootHoldMs: 5 } };

async function setup(opts: SimBenchOptions = {}) {
  const bench: SimBench = await startSimBench({ latency: 'zero', ...opts });
  cleanup.push(() => bench.close());
  const conn: SerialConnection = await openSerialPort({ path: bench.dutPath, binding: bench.binding });
  cleanup.push(() => conn.close());
  const con = new SerialConsole(conn, { decodeMachineLine: decodeSerialMachineLine });
  return { bench, conn, con };
}

describe('@esphil/serial against the sim', () => {
  it('esptool run-mode reset, then the boot log up to the ready line with the WebSocket URL', async () => {
    const { bench, conn, con } = await setup();
    const boot1 = bench.dut.bootId;
    const since = con.mark();
    await resetToRunMode(conn, FAST);
    const r = await waitForReady(con, { since, timeoutMs: 5_000 });
    expect(r.ready).toMatchObject({ url: bench.url, ip: '127.0.0.1', proto: 1 });
    expect(r.boot).toMatchObject({
      reason: 'poweron',
      board: 'esp32-doit-devkit-v1',
      boot: bench.dut.bootId,
    });
    expect(bench.dut.bootId).not.toBe(boot1);
    expect(r.log.join('\n')).toContain('boot:0x13 (SPI_FAST_FLASH_BOOT)');
    const res = await con.request('led.set', { led: 'status', on: true });
    expect(res).toMatchObject({ ok: true, result: { led: 'status', on: true } });
  });

  it('esptool bootloader reset puts the DUT in ROM download mode', async () => {
    const { bench, conn, con } = await setup();
    const since = con.mark();
    await resetToBootloader(conn, FAST);
    await bench.dut.waitForPhase('download');
    await con.waitFor(
      (item) => (item.kind === 'line' && item.text.includes('waiting for download') ? true : undefined),
      {
        since,
        timeoutMs: 5_000,
      },
    );
    expect(
      con
        .entries(since)
        .map((e) => e.text)
        .join('\n'),
    ).toContain('DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2)');
  });

  it('Improv provisioning: success yields the URL; a wrong password is "unable to connect"', async () => {
    const { bench, con } = await setup({ credentials: null });
    const improv = new ImprovClient(con);
    await expect(
      improv.provision({ ssid: 'esphil-lab', password: 'nope', timeoutMs: 5_000 }),
    ).rejects.toMatchObject({
      code: 'unable_to_connect',
    });
    const { urls } = await improv.provision({ ssid: 'esphil-lab', password: 'esphil-sim', timeoutMs: 5_000 });
    expect(urls).toContain(bench.url);
    expect(bench.dut.wifiConnected).toBe(true);
  });
});
