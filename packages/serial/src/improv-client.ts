/**
 * Improv Wi-Fi provisioning over the serial console. One operation at a time (the protocol has no request
 * ids). The Wi-Fi password goes on the wire and nowhere else: not in errors, not in the console log.
 */
import {
  encodeImprovPacket,
  type ImprovErrorName,
  type ImprovPacket,
  type ImprovStateName,
  type SerialItem,
} from '@esphil/protocol';
import type { SerialConsole } from './console';
import { SerialError } from './errors';

export const DEFAULT_PROVISION_TIMEOUT_MS = 30_000;
export const DEFAULT_IMPROV_QUERY_TIMEOUT_MS = 5_000;
/** 802.11 SSIDs are at most 32 bytes; WPA2 passphrases 8..63 characters or 64 hex digits. */
export const MAX_SSID_BYTES = 32;
export const MAX_PASSWORD_BYTES = 64;

export type ImprovClientErrorCode = Exclude<ImprovErrorName, 'none'> | 'device_error' | 'bad_param';

export class ImprovClientError extends Error {
  readonly code: ImprovClientErrorCode;
  constructor(code: ImprovClientErrorCode, message: string) {
    super(message);
    this.name = 'ImprovClientError';
    this.code = code;
  }
}

export interface ImprovClientOptions {
  queryTimeoutMs?: number;
  provisionTimeoutMs?: number;
}

export interface ProvisionOptions {
  ssid: string;
  password: string;
  timeoutMs?: number;
}

export interface ImprovDeviceInfo {
  firmware: string;
  version: string;
  chip: string;
  name: string;
}

export interface ImprovNetwork {
  ssid: string;
  rssi: number;
  secured: boolean;
}

type Outcome<T> = { value: T } | { error: ImprovErrorName | number };

const utf8 = new TextEncoder();

function deviceError(error: ImprovErrorName | number, context: string): ImprovClientError {
  switch (error) {
    case 'unable_to_connect':
      return new ImprovClientError(
        'unable_to_connect',
        `${context}: the device could not join the network. Check the SSID and password (and that it is a 2.4 GHz network).`,
      );
    case 'invalid_rpc':
      return new ImprovClientError(
        'invalid_rpc',
        `${context}: the device rejected the packet as malformed (invalid RPC).`,
      );
    case 'unknown_rpc':
      return new ImprovClientError(
        'unknown_rpc',
        `${context}: the device does not support this Improv command.`,
      );
    case 'not_authorized':
      return new ImprovClientError(
        'not_authorized',
        `${context}: the device wants authorization first (press its button).`,
      );
    case 'unknown':
      return new ImprovClientError('unknown', `${context}: the device reported an unknown error.`);
    default:
      return new ImprovClientError(
        'device_error',
        `${context}: the device reported Improv error ${String(error)}.`,
      );
  }
}

export class ImprovClient {
  private readonly console: SerialConsole;
  private readonly queryTimeoutMs: number;
  private readonly provisionTimeoutMs: number;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(console: SerialConsole, opts: ImprovClientOptions = {}) {
    this.console = console;
    this.queryTimeoutMs = opts.queryTimeoutMs ?? DEFAULT_IMPROV_QUERY_TIMEOUT_MS;
    this.provisionTimeoutMs = opts.provisionTimeoutMs ?? DEFAULT_PROVISION_TIMEOUT_MS;
  }

  /**
   * Sends the Wi-Fi credentials and resolves with the URLs the device reports once it joined.
   * Rejects with ImprovClientError (bad_param, unable_to_connect, ...) or SerialError ('timeout', 'disconnected').
   */
  provision(opts: ProvisionOptions): Promise<{ urls: string[] }> {
    const ssidBytes = utf8.encode(opts.ssid).length;
    if (ssidBytes < 1 || ssidBytes > MAX_SSID_BYTES) {
      return Promise.reject(
        new ImprovClientError(
          'bad_param',
          `SSID must be 1..${MAX_SSID_BYTES} bytes of UTF-8, got ${ssidBytes}.`,
        ),
      );
    }
    const passwordBytes = utf8.encode(opts.password).length;
    if (passwordBytes > MAX_PASSWORD_BYTES) {
      return Promise.reject(
        new ImprovClientError(
          'bad_param',
          `The Wi-Fi password is ${passwordBytes} bytes; at most ${MAX_PASSWORD_BYTES} fit.`,
        ),
      );
    }
    const packet: ImprovPacket = {
      type: 'rpc_command',
      rpc: { command: 'wifi_settings', ssid: opts.ssid, password: opts.password },
    };
    const context = `Improv provisioning of "${opts.ssid}"`;
    return this.exclusive(() =>
      this.exchange<string[]>(
        packet,
        (p) => (p.type === 'rpc_result' && p.command === 'wifi_settings' ? p.strings : undefined),
        opts.timeoutMs ?? this.provisionTimeoutMs,
        context,
      ).then((urls) => ({ urls })),
    );
  }

  /** The device's Improv state (ready, provisioning, provisioned). */
  requestState(opts: { timeoutMs?: number } = {}): Promise<ImprovStateName | number> {
    return this.exclusive(() =>
      this.exchange(
        { type: 'rpc_command', rpc: { command: 'get_state' } },
        (p) => (p.type === 'current_state' ? p.state : undefined),
        opts.timeoutMs ?? this.queryTimeoutMs,
        'Improv state request',
      ),
    );
  }

  /** Firmware name and version, chip and device name. */
  requestInfo(opts: { timeoutMs?: number } = {}): Promise<ImprovDeviceInfo> {
    return this.exclusive(() =>
      this.exchange(
        { type: 'rpc_command', rpc: { command: 'get_info' } },
        (p) => {
          if (p.type !== 'rpc_result' || p.command !== 'get_info') return undefined;
          const [firmware = '', version = '', chip = '', name = ''] = p.strings;
          return { firmware, version, chip, name };
        },
        opts.timeoutMs ?? this.queryTimeoutMs,
        'Improv device info request',
      ),
    );
  }

  /** Networks the device sees: one result per network, ended by an empty result. */
  scan(opts: { timeoutMs?: number } = {}): Promise<ImprovNetwork[]> {
    const found: ImprovNetwork[] = [];
    return this.exclusive(() =>
      this.exchange(
        { type: 'rpc_command', rpc: { command: 'get_networks' } },
        (p) => {
          if (p.type !== 'rpc_result' || p.command !== 'get_networks') return undefined;
          const [ssid, rssi, auth] = p.strings;
          if (ssid === undefined) return found;
          found.push({ ssid, rssi: Number(rssi ?? Number.NaN), secured: auth === 'YES' });
          return undefined;
        },
        opts.timeoutMs ?? this.queryTimeoutMs,
        'Improv network scan',
      ),
    );
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async exchange<T>(
    packet: ImprovPacket,
    pick: (p: ImprovPacket) => T | undefined,
    timeoutMs: number,
    context: string,
  ): Promise<T> {
    const abort = new AbortController();
    const answer = this.console.waitFor<Outcome<T>>(
      (item: SerialItem) => {
        if (item.kind !== 'improv') return undefined;
        const p = item.packet;
        // Devices send error "none" to clear a previous error when a command starts.
        if (p.type === 'error_state') return p.error === 'none' ? undefined : { error: p.error };
        const value = pick(p);
        return value === undefined ? undefined : { value };
      },
      {
        timeoutMs,
        signal: abort.signal,
        timeoutError: () =>
          new SerialError(
            'timeout',
            `${context}: no Improv answer from ${this.console.path} within ${timeoutMs} ms. ` +
              'Does the firmware support Improv serial, and is it past boot?',
            { path: this.console.path },
          ),
      },
    );
    try {
      // The trailing newline lets line-oriented device readers move on; byte-scanning ones ignore it.
      await this.console.writeBytes(Uint8Array.from([...encodeImprovPacket(packet), 0x0a]));
    } catch (e) {
      abort.abort();
      answer.catch(() => undefined);
      throw e;
    }
    const outcome = await answer;
    if ('error' in outcome) throw deviceError(outcome.error, context);
    return outcome.value;
  }
}
