/**
 * ESP32-C3: GPIO 0-21. 12-17 drive the SPI flash (11 is VDD_SPI by default), 18/19 are USB-Serial-JTAG,
 * 20/21 UART0. No PSRAM. Every GPIO is bidirectional with pulls.
 */
import { adc, gpio } from './gpio';
import type { GpioInfo, LedcProfile } from './types';

export const ESP32C3_LEDC: LedcProfile = {
  channels: 6,
  groups: 1,
  channelsPerGroup: 6,
  timersPerGroup: 4,
  maxBits: 14,
  clockHz: 80_000_000,
  highSpeedGroup: false,
};

const STRAPPING: Record<number, string> = {
  2: 'GPIO2 must be high at reset for SPI boot',
  8: 'GPIO8 must be high at reset for download mode (on-board RGB LED on DevKitM-1)',
  9: 'GPIO9 low at reset enters ROM download mode (BOOT button)',
};

export function esp32c3Gpios(): GpioInfo[] {
  const out: GpioInfo[] = [];
  for (let n = 0; n <= 21; n++) {
    const flash = n >= 11 && n <= 17;
    out.push(
      gpio(n, {
        flash,
        strapping: STRAPPING[n] ?? null,
        uart0: n === 21 ? 'TX' : n === 20 ? 'RX' : null,
        usb: n === 18 ? 'D-' : n === 19 ? 'D+' : null,
        adc: n <= 4 ? adc(1, n) : n === 5 ? adc(2, 0) : null,
        note:
          n === 11
            ? 'VDD_SPI (flash supply) unless an eFuse is burnt'
            : n === 0 || n === 1
              ? 'XTAL_32K pin'
              : null,
      }),
    );
  }
  return out;
}
