/**
 * The station side of WiFi, as the firmware sees it: the radio (its Hal's WiFi.begin/status/localIP/RSSI, modelled
 * as esphil-native's host Hal does, apps/firmware/native/host_hal.cpp wifiBegin) and device.cpp's own record of it
 * (the credentials in use, the last status reported, when the join started, whether Improv asked for it).
 */
import type { BodyCredentials, BodyNetwork } from './actions';

/** The Hal's WifiStatus (apps/firmware/src/core/hal.h). */
export type WifiStatus = 'idle' | 'connecting' | 'connected' | 'failed' | 'disconnected';

/** An Improv join that has not connected after this long has failed (device.h WIFI_CONNECT_TIMEOUT_MS). */
export const WIFI_CONNECT_TIMEOUT_MS = 20_000;

/** WiFi.begin() against the one network in range: joined at once when SSID and password match, else failed. */
export class WifiRadio {
  private current: WifiStatus = 'idle';

  constructor(
    private readonly network: BodyNetwork | null,
    private readonly address: string,
  ) {}

  get status(): WifiStatus {
    return this.current;
  }

  /** Joining takes no virtual time (host_hal.cpp): the next loop pass sees the outcome. */
  begin(ssid: string, password: string): void {
    const n = this.network;
    this.current = n !== null && n.ssid === ssid && n.password === password ? 'connected' : 'failed';
  }

  /** localIP() while joined, else null. */
  get ip(): string | null {
    return this.current === 'connected' ? this.address : null;
  }

  /** RSSI() while joined, else null. */
  get rssi(): number | null {
    return this.current === 'connected' && this.network !== null ? this.network.rssi : null;
  }
}

/** device.cpp's WiFi fields (wifiSsid_, wifiPass_, lastWifi_, wifiStartedAt_, improvPending_). */
export class WifiLink {
  ssid = '';
  password = '';
  /** The status the console last reported. */
  last: WifiStatus = 'idle';
  startedAt = 0;
  /** An Improv wifi_settings join whose outcome is not reported yet. */
  improvPending = false;

  constructor(readonly radio: WifiRadio) {}

  /** Device::begin: WiFi.begin() with NVS's credentials when WiFi is on and an SSID is stored. */
  joinStored(wifiOn: boolean, stored: BodyCredentials | null, now: number): boolean {
    if (!wifiOn || stored === null || stored.ssid === '') return false;
    this.begin(stored.ssid, stored.password, now);
    return true;
  }

  /** handleImprov wifi_settings: the outcome goes to Improv at the next poll. */
  joinImprov(ssid: string, password: string, now: number): void {
    this.improvPending = true;
    this.begin(ssid, password, now);
  }

  private begin(ssid: string, password: string, now: number): void {
    this.ssid = ssid;
    this.password = password;
    this.startedAt = now;
    this.last = 'connecting';
    this.radio.begin(ssid, password);
  }

  /**
   * pollWifi's first half: the status to report now, or null when it has not changed. An Improv join still
   * connecting after WIFI_CONNECT_TIMEOUT_MS is reported failed (the radio itself may go on trying).
   */
  poll(now: number): WifiStatus | null {
    let st = this.radio.status;
    if (st === this.last) {
      if (st !== 'connecting' || !this.improvPending || now - this.startedAt <= WIFI_CONNECT_TIMEOUT_MS)
        return null;
      st = 'failed';
    }
    this.last = st;
    return st;
  }
}
