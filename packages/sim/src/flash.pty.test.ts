// esptool-js (through @esphil/serial's flashImages) flashes the simulated board over a real pseudo-terminal with
// the native serialport binding (@serialport/bindings-cpp), then the board boots the new image and says who it is.
// A pty has no modem lines (hardware-facts.md: set() fails with "Inappropriate ioctl for device"), so no DTR/RTS
// reset can cross it: the test puts the board into download mode in-process through the sim's own auto-reset
// circuit (dut.setControlLines, what the USB-UART's DTR/RTS would do) and flashes with reset 'none'. With no reset
// afterwards either, the board is reset into the app the same way, in-process.
// The stub's baud change would need the bridge to follow the pty's baud, which socat does not carry: the flash
// runs at the ROM's 115200.
import { join } from 'node:path';
import { parseImage } from '@esphil/device-model';
import { defaultBinding, flashImages } from '@esphil/serial';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimBench } from './bench';
import { findSocat, makePtyDir, startPtyBridge } from './pty';
import { defaultImageSet, flashWithImages } from './rom';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const OLD = { projectName: 'esphil-firmware', version: 'v0.1.0-old' };
const NEW = { projectName: 'esphil-firmware', version: 'v0.3.0-pty' };

describe('flashing the simulated board over a pty', () => {
  it('esptool-js writes the images through bindings-cpp; the board boots the new app and reports it', async () => {
    if (!findSocat())
      throw new Error('socat is not installed: the pty tests need it (apt-get install socat)');
    const bench = await startSimBench({
      latency: 'zero',
      httpPort: null,
      flash: { model: flashWithImages(defaultImageSet('esp32', OLD)) },
    });
    cleanup.push(() => bench.close());
    const dir = makePtyDir();
    cleanup.push(() => dir.cleanup());
    const pty = await startPtyBridge({
      binding: bench.binding,
      devicePath: bench.dutPath,
      linkPath: join(dir.dir, 'dut'),
      baudRate: 115200,
    });
    cleanup.push(() => pty.close());

    // Download mode through the board's circuit: EN low, then EN released with GPIO0 low.
    const download = bench.dut.waitForPhase('download');
    bench.dut.setControlLines({ dtr: false, rts: true });
    bench.dut.setControlLines({ dtr: true, rts: false });
    await download;
    bench.dut.setControlLines({ dtr: false, rts: false });

    const images = defaultImageSet('esp32', NEW);
    const log: string[] = [];
    const report = await flashImages({
      binding: await defaultBinding(),
      path: pty.linkPath,
      images,
      chip: 'esp32',
      baudRate: 115200,
      reset: 'none',
      onLog: (l) => log.push(l),
    });
    expect(report.chip).toBe('ESP32');
    expect(report.resets).toEqual([]);
    expect(report.files.map((f) => f.offset)).toEqual(images.map((i) => i.offset));
    expect(log.filter((l) => l.includes('Hash of data verified'))).toHaveLength(images.length);

    // Run mode through the circuit (a pty cannot carry it), then the boot line names the flashed build.
    const serial: Buffer[] = [];
    bench.dut.on('serial', (d: Uint8Array) => serial.push(Buffer.from(d)));
    const ready = new Promise((resolve) => bench.dut.once('ready', resolve));
    bench.dut.setControlLines({ dtr: false, rts: true });
    bench.dut.setControlLines({ dtr: false, rts: false });
    await ready;
    const app = images.find((i) => i.offset === 0x10000)!;
    const flashed = parseImage(app.data).appDesc!;
    expect(flashed.version).toBe(NEW.version);
    const boot = Buffer.concat(serial)
      .toString('latin1')
      .split(/\r?\n/)
      .find((l) => l.startsWith('@esphil {"t":"boot"'));
    expect(JSON.parse(boot!.slice('@esphil '.length))).toMatchObject({
      fw: NEW.version,
      app: { project: NEW.projectName, version: NEW.version, elfSha256: flashed.elfSha256 },
    });
  });
});
