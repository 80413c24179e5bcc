/**
 * Improv Wi-Fi provisioning on the console, device side (PROTOCOL.md 11.3, https://www.improv-wifi.com/serial/),
 * as device.cpp handleImprov/pollWifi run it: every RPC acknowledged with error `none` first, state, device info
 * and an empty network list answered at once, wifi_settings joined and its outcome (store + provisioned + URL, or
 * unable_to_connect + ready) reported when the console next polls WiFi. Packets are @esphil/protocol's encoding,
 * each followed by "\n" so the next log line starts a line for line-based readers.
 */
import {
  encodeImprovFrame,
  encodeImprovPacket,
  ImprovCommand,
  ImprovError,
  type ImprovErrorName,
  ImprovPacketType,
  ImprovState,
  type ImprovStateName,
} from '@esphil/protocol';
import type { WifiLink } from './wifi';

/** An SSID is at most 32 bytes, a WPA2 passphrase 63 (or 64 hex digits) (limits.h MAX_SSID_LEN, MAX_PASSWORD_LEN). */
export const IMPROV_MAX_SSID_BYTES = 32;
export const IMPROV_MAX_PASSWORD_BYTES = 64;
/** The RPC result's strings fit the packet's one length byte with command and length (improv.cpp rpcResult). */
const RPC_RESULT_STRING_BYTES = 253;

export interface ImprovHost {
  /** Serial.write of one packet's bytes. */
  write(bytes: Uint8Array): void;
  readonly link: WifiLink;
  now(): number;
  /** ws://ip:port/path while joined, else null. */
  url(): string | null;
  /** get_info's strings after the firmware name: version, chip, device name. */
  info(): readonly [fw: string, chip: string, device: string];
}

export type ImprovRpc =
  | { command: 'get_state' | 'get_info' | 'get_networks' }
  | { command: 'wifi_settings'; ssid: string; password: string };

const utf8 = new TextEncoder();
const text = new TextDecoder();

/**
 * RPC command data as the device reads it (improv.cpp parseRpc): command, length (must match), and for
 * wifi_settings a 1..32-byte SSID and a 0..64-byte password; bytes after them and any payload of the other
 * commands are ignored, as the Improv SDK does (improv-wifi/sdk-cpp improv.cpp parse_improv_data). protocol's
 * decodeImprovPacket is a host's strict check (exact payloads, UTF-8) and would refuse what devices accept.
 */
export function parseImprovRpc(d: Uint8Array): ImprovRpc | { error: ImprovErrorName } {
  if (d.length < 2 || (d[1] ?? 0) + 2 !== d.length) return { error: 'invalid_rpc' };
  switch (d[0]) {
    case ImprovCommand.get_state:
      return { command: 'get_state' };
    case ImprovCommand.get_info:
      return { command: 'get_info' };
    case ImprovCommand.get_networks:
      return { command: 'get_networks' };
    case ImprovCommand.wifi_settings:
      break;
    default:
      return { error: 'unknown_rpc' };
  }
  let i = 2;
  if (i >= d.length) return { error: 'invalid_rpc' };
  const sl = d[i++] ?? 0;
  if (sl === 0 || sl > IMPROV_MAX_SSID_BYTES || i + sl > d.length) return { error: 'invalid_rpc' };
  const ssid = text.decode(d.subarray(i, i + sl));
  i += sl;
  if (i >= d.length) return { error: 'invalid_rpc' };
  const pl = d[i++] ?? 0;
  if (pl > IMPROV_MAX_PASSWORD_BYTES || i + pl > d.length) return { error: 'invalid_rpc' };
  return { command: 'wifi_settings', ssid, password: text.decode(d.subarray(i, i + pl)) };
}

/** RPC result data: strings cut to 255 bytes each, and those that no longer fit the packet left out. */
function rpcResult(command: number, strings: readonly string[]): Uint8Array {
  const body: number[] = [];
  for (const s of strings) {
    const b = utf8.encode(s).subarray(0, 255);
    if (body.length + 1 + b.length > RPC_RESULT_STRING_BYTES) break;
    body.push(b.length, ...b);
  }
  return encodeImprovFrame(ImprovPacketType.rpc_result, Uint8Array.from([command, body.length, ...body]));
}

export class ImprovSession {
  private state: ImprovStateName = 'ready';

  constructor(private readonly host: ImprovHost) {}

  /** A packet with a good checksum (device-to-host types echoed back are ignored). */
  packet(type: number, data: Uint8Array): void {
    if (type !== ImprovPacketType.rpc_command) return;
    const cmd = parseImprovRpc(data);
    if ('error' in cmd) {
      this.error(cmd.error);
      return;
    }
    this.error('none');
    const url = this.host.url();
    const link = this.host.link;
    switch (cmd.command) {
      case 'wifi_settings':
        this.setState('provisioning');
        link.joinImprov(cmd.ssid, cmd.password, this.host.now());
        break;
      case 'get_state':
        this.setState(link.radio.status === 'connected' ? 'provisioned' : this.state);
        if (url !== null) this.send(rpcResult(ImprovCommand.get_state, [url]));
        break;
      case 'get_info':
        this.send(rpcResult(ImprovCommand.get_info, ['esphil', ...this.host.info()]));
        break;
      case 'get_networks':
        // Scanning blocks the radio for seconds: the list ends at once with the empty terminator.
        this.send(rpcResult(ImprovCommand.get_networks, []));
    }
  }

  /** A packet whose checksum did not match. */
  badPacket(): void {
    this.error('invalid_rpc');
  }

  /** The wifi_settings join connected (after the credentials are stored). */
  joined(url: string): void {
    this.setState('provisioned');
    this.send(rpcResult(ImprovCommand.wifi_settings, [url]));
  }

  /** The wifi_settings join failed. */
  failed(): void {
    this.error('unable_to_connect');
    this.setState('ready');
  }

  private setState(st: ImprovStateName): void {
    this.state = st;
    this.send(encodeImprovPacket({ type: 'current_state', state: ImprovState[st] }));
  }

  private error(e: ImprovErrorName): void {
    this.send(encodeImprovPacket({ type: 'error_state', error: ImprovError[e] }));
  }

  private send(packet: Uint8Array): void {
    const out = new Uint8Array(packet.length + 1);
    out.set(packet);
    out[packet.length] = 0x0a;
    this.host.write(out);
  }
}
