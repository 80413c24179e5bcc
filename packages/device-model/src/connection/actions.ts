/**
 * What a device body does in answer to one connection-level event: the calls the firmware makes on its Hal, in
 * order (apps/firmware/README.md "Device mode" lists the native executable's form; a body normalises to this one).
 */
export type DeviceAction =
  /** sendTXT(slot, text). */
  | { a: 'send'; slot: number; text: string }
  /** The library's disconnect(slot): close frame 1000, no reason, TCP stop (arduinowebsockets-facts.md §6). */
  | { a: 'close'; slot: number; code: 1000 }
  /** digitalWrite. */
  | { a: 'pin'; pin: number; level: 0 | 1 }
  /** LEDC set up and written (one PWM output). */
  | { a: 'pwm'; pin: number; freq: number; bits: number; duty: number }
  /** The configuration written to NVS (applies at the next boot). */
  | { a: 'store-config'; json: string }
  /** ESP.restart(): the body is dead until booted again. */
  | { a: 'restart' };

/** WiFi as the body sees it: the station is up with this address, or down. */
export interface BodyWifi {
  ip: string;
  rssi: number;
}

/** What a body boots with: the config, the chip's identity sources and the network. */
export interface BodyBootOptions {
  /** A DeviceConfig (validated by the body). */
  config: unknown;
  fw: string;
  /** Last 3 MAC bytes, 6 hex digits: the device id's suffix. */
  chipId: string;
  /** The boot id (random at every boot on a board), 8 hex digits. */
  bootId: string;
  /** Virtual time at boot, ms. */
  nowMs: number;
  /** null = no network joined. */
  wifi: BodyWifi | null;
  /** Free heap with no client connected (the sim's model: 3000 bytes less per connected client). */
  heapFree?: number;
}
