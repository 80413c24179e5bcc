/**
 * The firmware as a DeviceBody: esphil-native in device mode (apps/firmware/README.md "Device mode"), so the
 * firmware's own connection code (Device::onConnect/onText/loop...) answers. Its actions are normalised to
 * device-model's DeviceAction: LEDC set-up + write become one `pwm`; pin modes, serial output, WiFi and NVS WiFi
 * writes are not connection-level and are kept apart (`serialOut`).
 */
import type { BodyBootOptions, DeviceAction, DeviceIdentity } from '@esphil/device-model';
import type { Capabilities, DeviceStateSnapshot } from '@esphil/protocol';
import { SimError } from '../../errors';
import type { BackendExit } from '../backend';
import {
  DEFAULT_NATIVE_TIMEOUT_MS,
  defaultNativeExecutable,
  type NativeBackendOptions,
} from '../native-backend';
import { NativeProcess } from '../native-process';
import type { BodyBooted, BodyConnected, DeviceBody, DeviceBodyFactory, Header } from './body';

type NativeAction = { a: string; slot?: number; text?: string; hex?: string } & Record<string, unknown>;

interface Answer {
  ok: boolean;
  error?: { code?: string; message?: string };
  actions?: NativeAction[];
  accepted?: boolean;
  configOk?: boolean;
  identity?: DeviceIdentity;
  caps?: Capabilities;
  state?: DeviceStateSnapshot;
}

function bytesOf(a: NativeAction): Buffer {
  return a.hex !== undefined ? Buffer.from(a.hex, 'hex') : Buffer.from(a.text ?? '', 'utf8');
}

export class NativeDeviceBody implements DeviceBody {
  private readonly proc: NativeProcess<Answer>;
  /** LEDC set-up per pin, until its write. */
  private readonly ledc = new Map<number, { freq: number; bits: number }>();

  constructor(opts: NativeBackendOptions = {}) {
    this.proc = new NativeProcess<Answer>(
      opts.executable ?? defaultNativeExecutable(),
      opts.timeoutMs ?? DEFAULT_NATIVE_TIMEOUT_MS,
    );
  }

  private async run(cmd: Record<string, unknown>): Promise<Answer> {
    const a = await this.proc.command(cmd);
    if (!a.ok) {
      throw new SimError(
        'not_running',
        `native firmware refused '${String(cmd.cmd)}': ${a.error?.message ?? 'no message'}`,
      );
    }
    return a;
  }

  private actions(a: Answer): DeviceAction[] {
    const out: DeviceAction[] = [];
    for (const n of a.actions ?? []) {
      switch (n.a) {
        case 'send':
          if (n.hex !== undefined) {
            // sendTXT of bytes that are not UTF-8: a firmware bug the TS body cannot produce; make it visible.
            throw new SimError(
              'not_running',
              `native firmware sent a text frame that is not UTF-8: ${n.hex.slice(0, 80)}`,
            );
          }
          out.push({ a: 'send', slot: n.slot ?? 0, text: n.text ?? '' });
          break;
        case 'close':
          out.push({ a: 'close', slot: n.slot ?? 0, code: 1000 });
          break;
        case 'pin':
          out.push({ a: 'pin', pin: Number(n.pin), level: n.level === 1 ? 1 : 0 });
          break;
        case 'ledc-setup':
          this.ledc.set(Number(n.pin), { freq: Number(n.freq), bits: Number(n.bits) });
          break;
        case 'ledc-write': {
          const setup = this.ledc.get(Number(n.pin)) ?? { freq: 0, bits: 0 };
          out.push({
            a: 'pwm',
            pin: Number(n.pin),
            freq: setup.freq,
            bits: setup.bits,
            duty: Number(n.duty),
          });
          break;
        }
        case 'store-config':
          out.push({ a: 'store-config', json: String(n.json) });
          break;
        case 'restart':
          out.push({ a: 'restart' });
          break;
        case 'serial':
          out.push({ a: 'serial', data: new Uint8Array(bytesOf(n)) });
          break;
        case 'store-wifi':
          out.push({ a: 'store-wifi', ssid: String(n.ssid), password: String(n.password) });
          break;
        default:
          // pin-mode, wifi-begin: the Hal's own business (the native Hal joins the network it was given at boot).
          break;
      }
    }
    return out;
  }

  async boot(opts: BodyBootOptions): Promise<BodyBooted> {
    const cmd: Record<string, unknown> = {
      cmd: 'boot',
      config: opts.config,
      fw: opts.fw,
      chipId: opts.chipId,
      bootId: opts.bootId,
      nowMs: opts.nowMs,
      heapFree: opts.heapFree,
      ip: opts.ip,
      resetReason: opts.resetReason ?? 'poweron',
      ...(opts.app
        ? { app: { project: opts.app.project, version: opts.app.version, elfSha256: opts.app.elfSha256 } }
        : {}),
    };
    // The network in range and NVS's credentials: WiFi.begin() at boot, joined at the first loop() pass.
    if (opts.network) cmd.network = opts.network;
    if (opts.stored) cmd.stored = opts.stored;
    const a = await this.run(cmd);
    if (a.configOk === false || !a.identity || !a.caps || !a.state) {
      throw new SimError('bad_config', 'native firmware could not boot this config');
    }
    return { identity: a.identity, caps: a.caps, state: a.state, actions: this.actions(a) };
  }

  async connect(
    slot: number,
    url: string,
    headers: readonly Header[],
    address: string,
    nowMs: number,
  ): Promise<BodyConnected> {
    const a = await this.run({ cmd: 'connect', slot, url, headers, address, nowMs });
    return { accepted: a.accepted === true, actions: this.actions(a) };
  }

  async text(slot: number, data: Uint8Array, nowMs: number): Promise<DeviceAction[]> {
    return this.actions(await this.run({ cmd: 'text', slot, hex: Buffer.from(data).toString('hex'), nowMs }));
  }
  async binary(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return this.actions(await this.run({ cmd: 'binary', slot, nowMs }));
  }
  async fragment(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return this.actions(await this.run({ cmd: 'fragment', slot, nowMs }));
  }
  async disconnect(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return this.actions(await this.run({ cmd: 'disconnect', slot, nowMs }));
  }
  async serial(data: Uint8Array, nowMs: number): Promise<DeviceAction[]> {
    return this.actions(await this.run({ cmd: 'serial', hex: Buffer.from(data).toString('hex'), nowMs }));
  }
  async tick(nowMs: number): Promise<DeviceAction[]> {
    return this.actions(await this.run({ cmd: 'tick', nowMs }));
  }
  async pin(pin: number, level: 0 | 1): Promise<void> {
    await this.run({ cmd: 'pin', pin, level });
  }
  async adc(pin: number, raw: number): Promise<void> {
    await this.run({ cmd: 'adc', pin, raw });
  }
  onExit(listener: (exit: BackendExit) => void): void {
    this.proc.onExit(listener);
  }
  close(): Promise<void> {
    return this.proc.close();
  }
}

export function nativeDeviceBodyFactory(opts?: NativeBackendOptions): DeviceBodyFactory {
  return () => new NativeDeviceBody(opts);
}
