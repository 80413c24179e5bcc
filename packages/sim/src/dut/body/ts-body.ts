/** The TypeScript DeviceBody: device-model's ConnectionDevice, in process. */
import { type BodyBootOptions, ConnectionDevice, type DeviceAction } from '@esphil/device-model';
import { SimError } from '../../errors';
import type { BodyBooted, BodyConnected, DeviceBody, DeviceBodyFactory, Header } from './body';

export class TsDeviceBody implements DeviceBody {
  private device: ConnectionDevice | null = null;

  private live(nowMs?: number): ConnectionDevice {
    const d = this.device;
    if (!d || d.isRestarted) throw new SimError('not_running', 'the TS device body is not booted');
    if (nowMs !== undefined) d.advanceTo(nowMs);
    return d;
  }

  async boot(opts: BodyBootOptions): Promise<BodyBooted> {
    const d = new ConnectionDevice(opts);
    this.device = d;
    const actions = d.boot();
    return {
      identity: { ...d.identity },
      caps: structuredClone(d.machine.caps),
      state: structuredClone(d.machine.snapshot),
      actions,
    };
  }

  async connect(
    slot: number,
    url: string,
    headers: readonly Header[],
    address: string,
    nowMs: number,
  ): Promise<BodyConnected> {
    const d = this.live(nowMs);
    // Every header is validated, results AND-ed without short-circuit (facts §1.1, S.cpp:789-794).
    let valid = true;
    for (const [name, value] of headers) valid = d.validateHeader(name, value) && valid;
    if (!valid) return { accepted: false, actions: d.disconnect(slot) };
    return { accepted: true, actions: d.connect(slot, url, address) };
  }

  async text(slot: number, data: Uint8Array, nowMs: number): Promise<DeviceAction[]> {
    return this.live(nowMs).text(slot, data);
  }
  async binary(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return this.live(nowMs).binary(slot);
  }
  async fragment(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return this.live(nowMs).fragment(slot);
  }
  async disconnect(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return this.live(nowMs).disconnect(slot);
  }
  async serial(data: Uint8Array, nowMs: number): Promise<DeviceAction[]> {
    return this.live(nowMs).serial(data);
  }
  async tick(nowMs: number): Promise<DeviceAction[]> {
    return this.live(nowMs).tick();
  }
  async pin(pin: number, level: 0 | 1): Promise<void> {
    this.live().setDigital(pin, level);
  }
  async adc(pin: number, raw: number): Promise<void> {
    this.live().setAdc(pin, raw);
  }
  async close(): Promise<void> {
    this.device = null;
  }
}

export const tsDeviceBodyFactory: DeviceBodyFactory = () => new TsDeviceBody();
