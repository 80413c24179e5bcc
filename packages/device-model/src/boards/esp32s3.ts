/**
 * ESP32-S3: GPIO 0-21 and 26-48. 26-32 drive the SPI flash; on octal-PSRAM modules (WROOM-1 N8R8/N16R8)
 * 33-37 carry the octal bus. 19/20 are native USB. Every GPIO is bidirectional with pulls.
 */
import { adc, gpio } from './gpio';
import type { GpioInfo, LedcProfile } from './types';

export const ESP32S3_LEDC: LedcProfile = {
  channels: 8,
  groups: 1,
  channelsPerGroup: 8,
  timersPerGroup: 4,
  maxBits: 14,
  clockHz: 80_000_000,
  highSpeedGroup: false,
};

const STRAPPING: Record<number, string> = {
  0: 'GPIO0 low at reset enters ROM download mode (BOOT button)',
  3: 'GPIO3 selects the JTAG signal source at reset',
  45: 'GPIO45 selects the flash voltage (VDD_SPI) at reset',
  46: 'GPIO46 low at reset is needed for download mode; it also gates the ROM log',
};

export function esp32s3Gpios(octalPsram: boolean): GpioInfo[] {
  const out: GpioInfo[] = [];
  for (let n = 0; n <= 48; n++) {
    if (n >= 22 && n <= 25) continue;
    const flash = n >= 26 && n <= 32;
    const psramPin = n >= 33 && n <= 37;
    const adcCh = n >= 1 && n <= 10 ? adc(1, n - 1) : n >= 11 && n <= 20 ? adc(2, n - 11) : null;
    out.push(
      gpio(n, {
        flash,
        psram: psramPin && octalPsram,
        psramOnVariants: psramPin && !octalPsram,
        strapping: STRAPPING[n] ?? null,
        uart0: n === 43 ? 'TX' : n === 44 ? 'RX' : null,
        usb: n === 19 ? 'D-' : n === 20 ? 'D+' : null,
        adc: adcCh,
        // 26-34 are not on the DevKitC-1 headers; 35-37 are, but the octal PSRAM uses them.
        exposed: !flash && n !== 33 && n !== 34,
        note: n === 48 ? 'on-board WS2812 RGB LED on DevKitC-1 v1.0 (GPIO38 on v1.1)' : null,
      }),
    );
  }
  return out;
}
