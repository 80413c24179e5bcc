/**
 * Board profiles: what each GPIO of a dev board can do, and the LEDC (PWM) peripheral's limits.
 * The validator, the allocator, the simulator and the firmware-config app all read these tables.
 */
import type { BoardId } from '../config/types';

export type ChipId = 'esp32' | 'esp32-s3' | 'esp32-c3';

export interface AdcChannel {
  /** ADC unit: ADC2 cannot be read while WiFi is on. */
  unit: 1 | 2;
  channel: number;
}

export interface GpioInfo {
  gpio: number;
  /** Can be read as a digital input. */
  input: boolean;
  /** Can drive an output (false on ESP32 GPIO 34-39). */
  output: boolean;
  /** Internal pull-up/pull-down available (none on ESP32 GPIO 34-39). */
  pulls: boolean;
  /** Wired to the SPI flash: never usable. */
  flash: boolean;
  /** Used by PSRAM on this board's module. */
  psram: boolean;
  /** Used by PSRAM on other modules sold under this board name (e.g. DevKitC with WROVER): warn. */
  psramOnVariants: boolean;
  /** Strapping function, when the pin is sampled at reset. */
  strapping: string | null;
  /** UART0 (the USB serial console) function. */
  uart0: 'TX' | 'RX' | null;
  /** Native USB / USB-Serial-JTAG function (S3, C3). */
  usb: 'D-' | 'D+' | null;
  adc: AdcChannel | null;
  /** Can be routed to an LEDC channel. */
  pwm: boolean;
  /** Broken out on the board's pin headers. */
  exposed: boolean;
  /** Anything else worth knowing (on-board LED/button, 32 kHz crystal...). */
  note: string | null;
}

export interface LedcProfile {
  channels: number;
  /** Speed-mode groups: ESP32 has high-speed (channels 0-7) and low-speed (8-15); others low-speed only. */
  groups: number;
  channelsPerGroup: number;
  timersPerGroup: number;
  /** Highest duty resolution in bits (lowest is 1). */
  maxBits: number;
  /** LEDC source clock: freq x 2^bits must not exceed it. */
  clockHz: number;
  /** Group 0 is high-speed mode (original ESP32 only). */
  highSpeedGroup: boolean;
}

export interface BoardProfile {
  id: BoardId;
  name: string;
  chip: ChipId;
  /** Module assumed by this profile, e.g. "ESP32-WROOM-32". */
  module: string;
  /** PSRAM on the assumed module, and which pins it takes. */
  psram: string | null;
  /**
   * GPIO of the on-board LED that LED_BUILTIN drives, null when the variant defines none. On the S3/C3 boards it
   * is a WS2812 RGB LED (the core maps LED_BUILTIN to its RGB driver), not a plain LED: starter configs avoid it.
   */
  ledBuiltin: number | null;
  /** GPIO of the on-board BOOT button. */
  bootButton: number;
  vcc: number;
  adcBits: number;
  ledc: LedcProfile;
  /** Every GPIO the chip has (including flash pins, flagged), ascending. */
  gpios: GpioInfo[];
}
