/** The radio world around the virtual DUT: which networks exist and what joining one yields. */
export interface WifiNetwork {
  ssid: string;
  password: string;
  /** dBm, shown in scans and `info`. */
  rssi?: number;
}
export interface WifiCredentials {
  ssid: string;
  password: string;
}
export interface WifiEnvironment {
  networks: WifiNetwork[];
}

export const DEFAULT_WIFI_NETWORK: Required<WifiNetwork> = {
  ssid: 'esphil-lab',
  password: 'esphil-sim',
  rssi: -52,
};

export type JoinResult =
  | { ok: true; network: WifiNetwork }
  | { ok: false; reason: 'no-network' | 'wrong-password' };

export function joinWifi(env: WifiEnvironment, creds: WifiCredentials): JoinResult {
  const network = env.networks.find((n) => n.ssid === creds.ssid);
  if (!network) return { ok: false, reason: 'no-network' };
  if (network.password !== creds.password) return { ok: false, reason: 'wrong-password' };
  return { ok: true, network };
}
