import type { AppIdentity } from '@esphil/protocol';

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
  | { a: 'restart' }
  /** Serial.write on the USB console (UART0 TX): machine lines, logs, Improv packets, as bytes. */
  | { a: 'serial'; data: Uint8Array }
  /** WiFi credentials written to NVS (after an Improv join): the board keeps them for the next boot. */
  | { a: 'store-wifi'; ssid: string; password: string };

/** The WiFi network in range, as the board's radio environment holds it. */
export interface BodyNetwork {
  ssid: string;
  password: string;
  rssi: number;
}

/** WiFi credentials (NVS). */
export interface BodyCredentials {
  ssid: string;
  password: string;
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
  /**
   * The network in range (one is modelled, as the native Hal does: apps/firmware/native/host_hal.h); null = none
   * (WiFi down). WiFi.begin() joins it when the SSID and password match, else fails.
   */
  network: BodyNetwork | null;
  /** Credentials NVS holds at boot; null = unprovisioned (the console asks for Improv). */
  stored: BodyCredentials | null;
  /** The address DHCP hands out once joined. */
  ip: string;
  /** esp_reset_reason() name for the boot line. Default `poweron`. */
  resetReason?: string;
  /** The booted image's esp_app_desc_t (PROTOCOL.md 4.1 `app`), as the bootloader read it; absent = unknown. */
  app?: AppIdentity;
  /** Free heap with no client connected (the sim's model: 3000 bytes less per connected client). */
  heapFree?: number;
}
