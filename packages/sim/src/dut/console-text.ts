/** What an ESP32 prints on UART0: ROM banner, bootloader lines, arduino-esp32 style log lines. */
import type { Rng } from '../rng';

export type ResetKind = 'poweron' | 'sw' | 'panic';
export type BootMode = 'flash' | 'download';

const RST_NAMES: Record<ResetKind, string> = {
  poweron: 'rst:0x1 (POWERON_RESET)',
  sw: 'rst:0xc (SW_CPU_RESET)',
  panic: 'rst:0xc (SW_CPU_RESET)',
};

/** ROM output up to the hand-over to the app (or to the download loop). */
export function romBanner(reset: ResetKind, mode: BootMode): string[] {
  const rst = RST_NAMES[reset];
  if (mode === 'download') {
    return [
      'ets Jun  8 2016 00:22:57',
      '',
      `${rst},boot:0x3 (DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))`,
      'waiting for download',
    ];
  }
  return [
    'ets Jun  8 2016 00:22:57',
    '',
    `${rst},boot:0x13 (SPI_FAST_FLASH_BOOT)`,
    'configsip: 0, SPIWP:0xee',
    'clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00',
    'mode:DIO, clock div:1',
    'load:0x3fff0030,len:1184',
    'load:0x40078000,len:13260',
    'load:0x40080400,len:3028',
    'entry 0x400805e4',
  ];
}

/** Bytes a UART line picks up while the chip comes out of reset (baud mismatch, floating TX). */
export function resetNoise(rng: Rng): Uint8Array {
  const n = rng.int(2, 12);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0x80, 0xff);
  return out;
}

/** Random bytes for the serial-garbage fault: high bytes and control characters, never a newline. */
export function garbageBytes(rng: Rng): Uint8Array {
  const n = rng.int(1, 24);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = rng.next() < 0.5 ? rng.int(0x80, 0xff) : rng.int(0x00, 0x1f);
    out[i] = b === 0x0a ? 0x0b : b;
  }
  return out;
}

/** arduino-esp32 log_x() format: `[   123][I][file.cpp:42] func(): message`. */
export function appLog(uptimeMs: number, level: 'E' | 'W' | 'I' | 'D', where: string, msg: string): string {
  return `[${String(Math.floor(uptimeMs)).padStart(6, ' ')}][${level}][${where}] ${msg}`;
}

/** What the panic handler prints before the reboot (reboot-loop fault). */
export function panicLines(): string[] {
  return [
    "Guru Meditation Error: Core  1 panic'ed (LoadProhibited). Exception was unhandled.",
    '',
    'Backtrace: 0x400d1a2c:0x3ffb1f50 0x400d2b3f:0x3ffb1f70 0x4008a1f2:0x3ffb1f90',
    '',
    'Rebooting...',
  ];
}
