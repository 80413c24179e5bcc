/**
 * The body slot of a board: BodyServer keeps one DeviceBody for its life, the board boots a fresh one at every
 * boot. Between a reset and the next boot there is no body: what the library still reports (a DISCONNECTED of a
 * connection that died with the old board) reaches nobody, as nothing of the old firmware survives a reset.
 */
import { SimError } from '../../errors';
import type {
  BodyBooted,
  BodyBootOptions,
  BodyConnected,
  DeviceAction,
  DeviceBody,
  Header,
} from '../body/body';

export class BodySwitch implements DeviceBody {
  private current: DeviceBody | null = null;

  /** Puts `body` in the slot (null: none) and returns the one it replaces. */
  use(body: DeviceBody | null): DeviceBody | null {
    const old = this.current;
    this.current = body;
    return old;
  }

  boot(opts: BodyBootOptions): Promise<BodyBooted> {
    const b = this.current;
    if (!b) return Promise.reject(new SimError('not_running', 'no device body to boot'));
    return b.boot(opts);
  }
  async connect(
    slot: number,
    url: string,
    headers: readonly Header[],
    address: string,
    nowMs: number,
  ): Promise<BodyConnected> {
    return (
      (await this.current?.connect(slot, url, headers, address, nowMs)) ?? { accepted: false, actions: [] }
    );
  }
  async text(slot: number, data: Uint8Array, nowMs: number): Promise<DeviceAction[]> {
    return (await this.current?.text(slot, data, nowMs)) ?? [];
  }
  async binary(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return (await this.current?.binary(slot, nowMs)) ?? [];
  }
  async fragment(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return (await this.current?.fragment(slot, nowMs)) ?? [];
  }
  async disconnect(slot: number, nowMs: number): Promise<DeviceAction[]> {
    return (await this.current?.disconnect(slot, nowMs)) ?? [];
  }
  async serial(data: Uint8Array, nowMs: number): Promise<DeviceAction[]> {
    return (await this.current?.serial(data, nowMs)) ?? [];
  }
  async tick(nowMs: number): Promise<DeviceAction[]> {
    return (await this.current?.tick(nowMs)) ?? [];
  }
  async pin(pin: number, level: 0 | 1): Promise<void> {
    await this.current?.pin(pin, level);
  }
  async adc(pin: number, raw: number): Promise<void> {
    await this.current?.adc(pin, raw);
  }
  /** The board closes each body itself (at reset, at close). */
  async close(): Promise<void> {}
}
