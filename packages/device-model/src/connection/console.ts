/**
 * The device's serial console (UART0), as the firmware's Device runs it (apps/firmware/src/core/device.cpp begin,
 * printReady, pollWifi, log, serialMachine, onSerialBytes, serialLine; PROTOCOL.md 11): machine lines out (boot,
 * wifi, ready, responses, every event the clients get with the console's own seq), log lines as plain text,
 * requests in (prefixed lines, origin `serial`), Improv packets interleaved with the lines (./improv-session.ts).
 * Every Serial.write the firmware makes is one `serial` action with the same bytes.
 */
import {
  decodeRequest,
  type LogLevel,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  type Request,
  SERIAL_MACHINE_PREFIX,
  type UnsequencedEvent,
} from '@esphil/protocol';
import { getBoard } from '../boards';
import type { ResolvedConfig } from '../config/types';
import type { DeviceIdentity, Effect } from '../state/types';
import type { BodyCredentials, DeviceAction } from './actions';
import { ImprovStreamDecoder } from './improv-decoder';
import { ImprovSession } from './improv-session';
import { errorText, numberedEvent } from './texts';
import { WifiLink, type WifiRadio, type WifiStatus } from './wifi';

/** One console line, prefix included, line end excluded: room for a whole config (limits.h MAX_SERIAL_LINE). */
export const MAX_SERIAL_LINE_BYTES = MAX_FRAME_BYTES + 64;

/** What a serial request did to the machine: its response text, then effects and events for the device. */
export interface SerialStep {
  response: string;
  effects: readonly Effect[];
  events: readonly UnsequencedEvent[];
}

export interface ConsoleHost {
  emit(action: DeviceAction): void;
  now(): number;
  /** The running config (websocket.port/path, board). */
  config(): ResolvedConfig;
  readonly identity: DeviceIdentity;
  readonly radio: WifiRadio;
  /** The machine's step for a request from the console. */
  step(req: Request): SerialStep;
  apply(effects: readonly Effect[]): void;
  /** Events to the clients; each comes back to mirror(). */
  deliver(events: readonly UnsequencedEvent[]): void;
}

export interface ConsoleCounters {
  /** Lines over MAX_SERIAL_LINE_BYTES, dropped (device.cpp counters_.serialOverlongLines). */
  overlongLines: number;
  /** Improv packets with a bad checksum (counters_.serialBadImprov). */
  badImprov: number;
}

const CR = 0x0d;
const LF = 0x0a;
const PREFIX = new TextEncoder().encode(SERIAL_MACHINE_PREFIX);
const utf8 = new TextEncoder();

const WIFI_WORD: Record<WifiStatus, string> = {
  connected: 'connected',
  failed: 'failed',
  disconnected: 'disconnected',
  connecting: 'connecting',
  idle: 'unprovisioned',
};

/** get_info's chip name (device.cpp handleImprov). */
function chipName(board: string): string {
  const chip = getBoard(board)?.chip;
  return chip === 'esp32-s3' ? 'ESP32-S3' : chip === 'esp32-c3' ? 'ESP32-C3' : 'ESP32';
}

export class SerialConsole {
  readonly link: WifiLink;
  private readonly decoder = new ImprovStreamDecoder();
  private readonly improv: ImprovSession;
  private line: number[] = [];
  /** In the tail of an overlong line: bytes dropped until its end. */
  private overflow = false;
  /** Events on the console this boot (PROTOCOL.md 11.1). */
  private seq = 0;
  private readonly counts: ConsoleCounters = { overlongLines: 0, badImprov: 0 };

  constructor(private readonly host: ConsoleHost) {
    this.link = new WifiLink(host.radio);
    this.improv = new ImprovSession({
      write: (b) => this.write(b),
      link: this.link,
      now: () => host.now(),
      url: () => this.url(),
      info: () => [host.identity.fw, chipName(host.config().board), host.identity.device],
    });
  }

  get counters(): ConsoleCounters {
    return { ...this.counts };
  }

  /** Device::begin's console part: the boot line, then WiFi.begin() with NVS's credentials or `unprovisioned`. */
  boot(stored: BodyCredentials | null, resetReason: string): void {
    const id = this.host.identity;
    const app = id.app ? { app: { ...id.app } } : {};
    this.machine(
      JSON.stringify({
        t: 'boot',
        fw: id.fw,
        board: id.board,
        device: id.device,
        boot: id.boot,
        ...app,
        reason: resetReason,
      }),
    );
    if (this.link.joinStored(this.host.config().wifi, stored, this.host.now())) {
      this.machine(JSON.stringify({ t: 'wifi', status: 'connecting', ssid: this.link.ssid }));
      return;
    }
    this.machine(JSON.stringify({ t: 'wifi', status: 'unprovisioned' }));
    this.printReady();
  }

  /** Device::pollWifi (each loop pass): a changed status is reported, and an Improv join's outcome. */
  pollWifi(): void {
    const st = this.link.poll(this.host.now());
    if (st === null) return;
    const link = this.link;
    const ip = this.host.radio.ip;
    const line =
      st === 'connected'
        ? { t: 'wifi', status: WIFI_WORD[st], ssid: link.ssid, ip }
        : st === 'failed' || st === 'connecting'
          ? { t: 'wifi', status: WIFI_WORD[st], ssid: link.ssid }
          : { t: 'wifi', status: WIFI_WORD[st] };
    this.machine(JSON.stringify(line));
    if (st === 'connected') {
      if (link.improvPending) {
        link.improvPending = false;
        this.host.emit({ a: 'store-wifi', ssid: link.ssid, password: link.password });
        this.improv.joined(this.url() ?? '');
      }
      this.printReady();
    } else if (st === 'failed' && link.improvPending) {
      link.improvPending = false;
      this.improv.failed();
    } else if (st === 'failed') {
      // The boot's join failed: still serving serial, said with a ready line without an address (PROTOCOL.md 11.1).
      this.printReady();
    }
  }

  /** Device::log's console line: plain text, not a machine line (the event follows through deliver). */
  logText(level: LogLevel, msg: string): void {
    this.write(utf8.encode(`[${level}] ${msg}\r\n`));
  }

  /** An event the clients got, on the console with its own seq (sensor samples never come here). */
  mirror(ev: UnsequencedEvent): void {
    this.seq += 1;
    this.machine(numberedEvent(ev, this.seq));
  }

  /** Device::onSerialBytes: Improv packets picked out, the rest assembled into lines. */
  input(data: Uint8Array): void {
    for (const b of data) {
      const r = this.decoder.feed(b);
      if (r.kind === 'packet') this.improv.packet(r.type, r.data);
      else if (r.kind === 'bad-checksum') {
        this.counts.badImprov += 1;
        this.improv.badPacket();
      } else if (r.kind === 'text') for (const c of r.bytes) this.lineByte(c);
    }
  }

  private lineByte(c: number): void {
    if (c === LF || c === CR) {
      if (this.overflow) {
        // PROTOCOL.md 11.1: the rest of an overlong line is dropped and reported once, as too_large.
        const msg = `serial line longer than ${MAX_SERIAL_LINE_BYTES} bytes dropped`;
        this.machine(errorText(null, 'too_large', msg));
      } else if (this.line.length > 0) this.serialLine(Uint8Array.from(this.line));
      this.line = [];
      this.overflow = false;
      return;
    }
    if (this.overflow) return;
    if (this.line.length >= MAX_SERIAL_LINE_BYTES) {
      // The whole overlong line goes, rather than a truncated request acted on.
      this.counts.overlongLines += 1;
      this.overflow = true;
      this.line = [];
      return;
    }
    this.line.push(c);
  }

  /** Device::serialLine: only prefixed lines are requests (11.2); non-printable noise before the prefix is skipped. */
  private serialLine(line: Uint8Array): void {
    let start = 0;
    while (start < line.length && !((line[start] ?? 0) >= 0x20 && (line[start] ?? 0) < 0x7f)) start++;
    if (line.length - start < PREFIX.length) return;
    for (let i = 0; i < PREFIX.length; i++) if (line[start + i] !== PREFIX[i]) return;
    const d = decodeRequest(line.subarray(start + PREFIX.length), { maxBytes: MAX_SERIAL_LINE_BYTES });
    if (!d.ok) {
      this.machine(errorText(d.error.id, d.error.code, d.error.message));
      return;
    }
    const r = this.host.step(d.value);
    this.machine(r.response);
    this.host.apply(r.effects);
    this.host.deliver(r.events);
  }

  /** Device::printReady: the server's address, or nulls while WiFi is down (serial only). */
  private printReady(): void {
    const ws = this.host.config().websocket;
    const ip = this.host.radio.ip;
    this.machine(
      JSON.stringify({
        t: 'ready',
        ip,
        port: ws.port,
        path: ws.path,
        url: this.url(),
        proto: PROTOCOL_VERSION,
      }),
    );
  }

  private url(): string | null {
    const ip = this.host.radio.ip;
    const ws = this.host.config().websocket;
    return ip === null ? null : `ws://${ip}:${ws.port}${ws.path}`;
  }

  /** Device::serialMachine: prefix + JSON + CRLF, one write. */
  private machine(json: string): void {
    this.write(utf8.encode(`${SERIAL_MACHINE_PREFIX}${json}\r\n`));
  }

  private write(data: Uint8Array): void {
    this.host.emit({ a: 'serial', data });
  }
}
