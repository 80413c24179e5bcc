/**
 * The backend app's console (what the firmware prints and reads on UART0 when the device logic is a frame-level
 * DeviceBackend): the boot and ready machine lines, the WiFi join, serial requests (PROTOCOL.md 11.2) and Improv
 * serial. In body mode the firmware owns all of this itself (./body-app.ts).
 */
import {
  DEFAULT_WS_PATH,
  decodeRequest,
  type ImprovDecodeResult,
  PROTOCOL_VERSION,
  SERIAL_MACHINE_PREFIX,
  type SerialMachineLine,
} from '@esphil/protocol';
import type { ResetKind } from '../console-text';
import { improvError, improvResult, improvState } from '../improv-device';
import { SerialInput, type SerialInputItem } from '../serial-input';
import { joinWifi } from '../wifi-env';
import type { BoardContext } from './app';
import type { BackendApp } from './backend-app';

function serialInternalError(text: string): SerialMachineLine {
  const d = decodeRequest(text);
  const id = d.ok ? d.value.id : d.error.id;
  return { t: 'res', id, ok: false, error: { code: 'internal', msg: 'device failed to handle the line' } };
}

export class BackendConsole {
  private readonly ctx: BoardContext;
  private readonly app: BackendApp;
  private readonly serialIn = new SerialInput();
  private serialSeq = 0;

  constructor(ctx: BoardContext, app: BackendApp) {
    this.ctx = ctx;
    this.app = app;
  }

  /** A new boot: the console's event numbering starts again. */
  reset(): void {
    this.serialSeq = 0;
  }

  nextSeq(): number {
    this.serialSeq += 1;
    return this.serialSeq;
  }

  bootLines(reason: ResetKind): void {
    const id = this.app.deviceIdentity;
    this.ctx.uart.log('I', 'main.cpp:31', `setup(): esphil ${id.fw} on ${id.board}`);
    this.ctx.uart.machine({
      t: 'boot',
      fw: id.fw,
      board: id.board,
      device: id.device,
      boot: id.boot,
      ...(id.app ? { app: id.app } : {}),
      reason,
    });
  }

  async connectWifi(gen: number): Promise<void> {
    const { uart, store, faults, latency } = this.ctx;
    if (store.config.wifi === false) return;
    const creds = store.credentials;
    if (!creds) {
      uart.machine({ t: 'wifi', status: 'unprovisioned' });
      uart.log('W', 'wifi.cpp:20', 'connect(): no stored credentials; provision over Improv serial');
      return;
    }
    uart.machine({ t: 'wifi', status: 'connecting', ssid: creds.ssid });
    if (!(await this.ctx.sleep(latency.profile.wifiJoinMs, gen))) return;
    const joined = faults.wifiDown ? null : joinWifi({ networks: [...store.networks] }, creds);
    if (joined?.ok) {
      this.app.wifiUp = true;
      this.app.wifiNetwork = joined.network;
      uart.machine({ t: 'wifi', status: 'connected', ssid: creds.ssid, ip: this.app.ip ?? '' });
    } else {
      this.app.wifiUp = false;
      this.app.wifiNetwork = null;
      const why = joined ? joined.reason : 'no-network';
      uart.log('E', 'wifi.cpp:44', `connect(): ${creds.ssid}: ${why}`);
      uart.machine({ t: 'wifi', status: 'failed', ssid: creds.ssid });
    }
  }

  printReady(): void {
    const path = this.ctx.store.config.websocket?.path ?? DEFAULT_WS_PATH;
    this.ctx.uart.machine({
      t: 'ready',
      ip: this.app.ip,
      port: this.app.port,
      path,
      url: this.app.wifiUp ? this.app.url : null,
      proto: PROTOCOL_VERSION,
    });
  }

  /** Host bytes on RX: lines and Improv packets, handled while the app runs and its loop is not hung. */
  receive(data: Uint8Array): void {
    let items: SerialInputItem[];
    try {
      items = this.serialIn.push(data);
    } catch {
      return;
    }
    // A hung app loop reads nothing; what arrived meanwhile is lost with the UART FIFO.
    if (!this.ctx.running() || this.app.hung) return;
    for (const item of items) {
      const gen = this.ctx.gen;
      if (item.kind === 'line') {
        // PROTOCOL.md 11.2: requests carry the machine prefix; any other line is not for the device.
        const at = item.text.indexOf(SERIAL_MACHINE_PREFIX);
        if (at < 0) continue;
        const text = item.text.slice(at + SERIAL_MACHINE_PREFIX.length);
        void this.app
          .enqueue(() => this.onSerialLine(text, gen))
          .catch(() => {
            // The device logic failed (a dead backend reboots the board on its own): the line gets `internal`.
            if (gen === this.ctx.gen) this.ctx.uart.machine(serialInternalError(text));
          });
      } else if (item.kind === 'overlong') {
        this.ctx.uart.machine({
          t: 'res',
          id: null,
          ok: false,
          error: { code: 'too_large', msg: `serial line of ${item.bytes}+ bytes dropped` },
        });
      } else {
        void this.app.enqueue(() => this.onImprov(item.result, gen)).catch(() => {});
      }
    }
  }

  private async onSerialLine(text: string, gen: number): Promise<void> {
    if (gen !== this.ctx.gen) return;
    const backend = this.app.requireBackend();
    const ctx = this.app.stepContext({ kind: 'serial' });
    const out = await backend.handleFrame(text, { kind: 'serial' }, ctx);
    if (out.reply !== null) {
      if (out.reply.startsWith('{')) this.ctx.uart.println(`${SERIAL_MACHINE_PREFIX}${out.reply}`);
      else this.ctx.uart.println(out.reply);
    }
    this.app.dispatch(out);
  }

  private async onImprov(result: ImprovDecodeResult, gen: number): Promise<void> {
    if (gen !== this.ctx.gen) return;
    const { uart } = this.ctx;
    const write = (packet: Uint8Array): void => uart.write(packet);
    // A packet that does not decode, or one a host should not send, is an invalid RPC to the firmware.
    if (!result.ok || result.packet.type !== 'rpc_command') {
      write(improvError('invalid_rpc'));
      return;
    }
    const rpc = result.packet.rpc;
    const id = this.app.deviceIdentity;
    switch (rpc.command) {
      case 'other':
        write(improvError('unknown_rpc'));
        return;
      case 'get_state':
        write(improvState(this.app.wifiUp ? 'provisioned' : 'ready'));
        if (this.app.wifiUp) write(improvResult('get_state', [this.app.url]));
        return;
      case 'get_info':
        write(improvResult('get_info', ['esphil', id.fw, 'ESP32', id.device]));
        return;
      case 'get_networks':
        for (const n of this.ctx.store.networks) {
          write(improvResult('get_networks', [n.ssid, String(n.rssi ?? -60), 'YES']));
        }
        write(improvResult('get_networks', []));
        return;
      case 'wifi_settings': {
        const { ssid, password } = rpc;
        write(improvState('provisioning'));
        uart.machine({ t: 'wifi', status: 'connecting', ssid });
        if (!(await this.ctx.sleep(this.ctx.latency.profile.wifiJoinMs, gen))) return;
        const joined = this.ctx.faults.wifiDown
          ? null
          : joinWifi({ networks: [...this.ctx.store.networks] }, { ssid, password });
        if (!joined?.ok) {
          uart.log('E', 'improv.cpp:77', `onWifiSettings(): cannot join ${ssid}`);
          uart.machine({ t: 'wifi', status: 'failed', ssid });
          write(improvError('unable_to_connect'));
          write(improvState('ready'));
          return;
        }
        this.ctx.store.credentials = { ssid, password };
        this.app.wifiUp = true;
        this.app.wifiNetwork = joined.network;
        uart.machine({ t: 'wifi', status: 'connected', ssid, ip: this.app.ip ?? '' });
        write(improvState('provisioned'));
        write(improvResult('wifi_settings', [this.app.url]));
        this.printReady();
        this.ctx.ready({ ip: this.app.ip, url: this.app.url });
        return;
      }
    }
  }
}
