import type { BoardId, DeviceConfig } from './types';

/**
 * A working first config per board: one LED, one PWM output, one button, one ADC1 sensor.
 * Pins are chosen to be free, on the headers, and (except the DOIT on-board LED) not strapping pins.
 */
const STARTER_PINS: Record<BoardId, { led: number; pwm: number; button: number; sensor: number }> = {
  // GPIO2 is the DOIT's on-board LED (and a strapping pin: one warning).
  'esp32-doit-devkit-v1': { led: 2, pwm: 18, button: 4, sensor: 34 },
  // DevKitC has no user LED: an external LED on GPIO23.
  'esp32-devkitc': { led: 23, pwm: 18, button: 4, sensor: 34 },
  // S3: GPIO48 is a WS2812, not a plain LED; external LED on GPIO2, ADC1 on GPIO1.
  'esp32-s3-devkitc-1': { led: 2, pwm: 18, button: 4, sensor: 1 },
  // C3: GPIO8 is a WS2812 and strapping; external LED on GPIO10, ADC1 on GPIO3.
  'esp32-c3-devkitm-1': { led: 10, pwm: 7, button: 6, sensor: 3 },
};

export function starterConfig(board: BoardId): DeviceConfig {
  const p = STARTER_PINS[board];
  return {
    version: 1,
    board,
    leds: [{ name: 'status', pin: p.led }],
    pwm: [{ name: 'fan', pin: p.pwm, freq: 5000, bits: 10 }],
    buttons: [{ name: 'boot', pin: p.button, pull: 'up', activeLow: true }],
    sensors: [{ name: 'light', pin: p.sensor, unit: 'V', scale: 3.3 / 4095 }],
  };
}
