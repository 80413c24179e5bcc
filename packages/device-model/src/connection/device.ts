/**
 * The TypeScript device body: the firmware's `Device` (apps/firmware/src/core/device.cpp) at the connection level,
 * over device-model's state machine. It decides what the sim's WsServer used to: the path check, hello or
 * auth_required first, per-connection event numbering, the auth gate with its deadline and slowdown
 * (PROTOCOL.md 8.1), binary frames and fragments (2.4), the Origin validator (8.2), sensor streams, debounced
 * buttons and the restart. Time is virtual (`nowMs` in, nothing runs between calls) and every call answers the
 * Hal calls the firmware would make, in its order, so the native executable's device mode can be compared
 * byte for byte (packages/sim differential test). The serial console is ./console.ts (WiFi: ./wifi.ts, Improv:
 * ./improv-session.ts).
 */
import {
  decodeRequest,
  encodeMessage,
  isLegacyText,
  MAX_FRAME_BYTES,
  MAX_SENSOR_HZ,
  MIN_SENSOR_HZ,
  type Request,
  type UnsequencedEvent,
} from '@esphil/protocol';
import {
  type ConnectionMode,
  initialConnectionMode,
  legacyBroadcastText,
  legacyFrameKind,
} from '../state/connection-mode';
import { bootEffects, createMachine } from '../state/create';
import { buildAuthRequired, buildHello } from '../state/hello';
import { applyInput } from '../state/input';
import { legacyStep } from '../state/legacy';
import { step } from '../state/step';
import type { DeviceIdentity, Effect, MachineState, Origin, StepContext } from '../state/types';
import type { BodyBootOptions, DeviceAction } from './actions';
import { AuthThrottle } from './auth-throttle';
import { type ConsoleCounters, SerialConsole, type SerialStep } from './console';
import { Debouncer } from './debounce';
import { errorText, numberedEvent } from './texts';
import { WifiRadio } from './wifi';

/** The firmware's slot table (esphil::MAX_CLIENTS, limits.h). */
export const DEVICE_MAX_SLOTS = 16;
/** Peer addresses are kept to this many characters (esphil::MAX_ADDRESS_LEN). */
export const MAX_ADDRESS_LEN = 46;
const DEFAULT_HEAP_FREE = 210_000;
const HEAP_PER_CLIENT = 3_000;
const LOG_MSG_MAX = 200;
const LOG_ORDER = ['error', 'warn', 'info', 'debug'] as const;
type LogLevel = (typeof LOG_ORDER)[number];
/** device.cpp's texts, so both bodies answer the same bytes. */
const NEEDS_TOKEN = 'this device requires a token: send {"id":1,"op":"auth","token":...} first';
const ORIGIN_REFUSED = 'refused a WebSocket client: Origin not in websocket.allowedOrigins';

interface Slot {
  connected: boolean;
  helloSent: boolean;
  connectedAt: number;
  /** PROTOCOL.md 2.5, 9: an unmarked connection starts in legacy mode (text only) until its first JSON object. */
  mode: ConnectionMode;
  /** The auth deadline counts from here: the connect, or the switch out of legacy mode (device.cpp authSince). */
  authSince: number;
  seq: number;
  /** Next sample time per sensor index (0 = at once). */
  nextSample: number[];
  address: string;
  /** A wrong token's refusal held by the throttle (0 = none): sent, then disconnect, from tick() at refuseAt. */
  refuseAt: number;
  refusal: string;
}

function freshSlot(): Slot {
  return {
    connected: false,
    helloSent: false,
    connectedAt: 0,
    mode: 'esphil',
    authSince: 0,
    seq: 0,
    nextSample: [],
    address: '',
    refuseAt: 0,
    refusal: '',
  };
}

export class ConnectionDevice {
  readonly identity: DeviceIdentity;
  private state: MachineState;
  private now: number;
  private readonly bootAt: number;
  private readonly radio: WifiRadio;
  private readonly console: SerialConsole;
  private readonly bootOpts: Pick<BodyBootOptions, 'stored' | 'resetReason'>;
  private readonly heapFree: number;
  private readonly slots: Slot[] = Array.from({ length: DEVICE_MAX_SLOTS }, freshSlot);
  private readonly debouncers: Debouncer[];
  private readonly levels = new Map<number, 0 | 1>();
  private readonly adc = new Map<number, number>();
  private readonly throttle = new AuthThrottle(() => this.now);
  private out: DeviceAction[] = [];
  private originRefused = false;
  private rebootAt: number | null = null;
  /** Legacy-mode frames that were neither LED ON/OFF nor a JSON object (device.cpp counters_.legacyIgnored). */
  private ignoredLegacy = 0;
  private restarted = false;

  /** Throws DeviceConfigError for a config the device cannot run (validate it first). */
  constructor(opts: BodyBootOptions) {
    this.state = createMachine(opts.config as Parameters<typeof createMachine>[0]);
    this.now = opts.nowMs;
    this.bootAt = opts.nowMs;
    this.radio = new WifiRadio(opts.network, opts.ip);
    this.bootOpts = { stored: opts.stored, resetReason: opts.resetReason };
    this.heapFree = opts.heapFree ?? DEFAULT_HEAP_FREE;
    const name = this.state.config.name || 'esphil';
    this.identity = {
      fw: opts.fw,
      board: this.state.config.board,
      device: `${name}-${opts.chipId.toLowerCase().padStart(6, '0').slice(-6)}`,
      boot: opts.bootId.toLowerCase().padStart(8, '0').slice(-8),
      ...(opts.app ? { app: { ...opts.app } } : {}),
    };
    this.debouncers = this.state.config.buttons.map((b) => {
      // pinModeInput: an undriven input reads its pull level.
      if (!this.levels.has(b.pin)) this.levels.set(b.pin, b.pull === 'up' ? 1 : 0);
      const d = new Debouncer();
      d.reset(false, this.bootAt);
      return d;
    });
    this.console = new SerialConsole({
      emit: (a) => this.out.push(a),
      now: () => this.now,
      config: () => this.state.config,
      identity: this.identity,
      radio: this.radio,
      step: (req) => this.serialStep(req),
      apply: (e) => this.apply(e),
      deliver: (e) => this.deliver(e),
    });
  }

  get machine(): MachineState {
    return this.state;
  }
  /** ESP.restart() ran: nothing but a new boot follows. */
  get isRestarted(): boolean {
    return this.restarted;
  }
  get ignoredLegacyFrames(): number {
    return this.ignoredLegacy;
  }
  get connectedClients(): number {
    return this.slots.filter((s) => s.connected).length;
  }
  get consoleCounters(): ConsoleCounters {
    return this.console.counters;
  }

  /** What begin() does: the boot outputs (LED levels, PWM set-ups), then the console's boot and WiFi lines. */
  boot(): DeviceAction[] {
    this.apply(bootEffects(this.state));
    this.console.boot(this.bootOpts.stored, this.bootOpts.resetReason ?? 'poweron');
    return this.drain();
  }

  /** Device::onSerialBytes: bytes on the console's RX. */
  serial(data: Uint8Array): DeviceAction[] {
    this.console.input(data);
    return this.drain();
  }

  /** Virtual time moves forward only. */
  advanceTo(nowMs: number): void {
    if (nowMs > this.now) this.now = nowMs;
  }

  setDigital(pin: number, level: 0 | 1): void {
    this.levels.set(pin, level);
  }
  setAdc(pin: number, raw: number): void {
    this.adc.set(pin, raw);
  }

  /** Device::validateHeader: the library's header validator (Origin, any name case). */
  validateHeader(name: string, value: string): boolean {
    if (name.toLowerCase() !== 'origin') return true;
    const list = this.state.config.websocket.allowedOrigins;
    const ok = value === '' || list.length === 0 || list.includes(value);
    if (!ok) this.originRefused = true;
    return ok;
  }

  /** Device::onConnect: `url` is the request target with its query. */
  connect(slot: number, url: string, address: string): DeviceAction[] {
    const ws = this.state.config.websocket;
    const path = url.split('?', 1)[0];
    if (slot >= DEVICE_MAX_SLOTS || path !== ws.path) {
      this.close(slot);
      return this.drain();
    }
    const mode = initialConnectionMode(url, { legacyText: this.state.caps.legacyText });
    if (slot >= ws.maxClients) {
      // Past websocket.maxClients but inside the library's slots: told why, then closed (PROTOCOL.md 2.3); a
      // legacy-mode connection gets no JSON it did not ask for (9).
      if (mode === 'esphil')
        this.send(slot, errorText(null, 'busy', `device full: websocket.maxClients is ${ws.maxClients}`));
      this.close(slot);
      return this.drain();
    }
    const s = freshSlot();
    s.connected = true;
    s.connectedAt = this.now;
    s.authSince = this.now;
    s.address = address.slice(0, MAX_ADDRESS_LEN);
    // The sketch never sees the offered subprotocol (arduinowebsockets-facts.md §3): the marker is in the URL.
    s.mode = mode;
    this.slots[slot] = s;
    this.clientGone(slot);
    if (s.mode === 'esphil') this.greet(slot);
    return this.drain();
  }

  /** Device::greet: the first message of an esphil connection, hello or auth_required. */
  private greet(slot: number): void {
    const authRequired = buildAuthRequired(this.state);
    if (authRequired) this.send(slot, JSON.stringify(authRequired));
    else this.sendHello(slot);
  }

  /**
   * Device::legacyFrame: a JSON object switches the connection for good (hello or auth_required first, the deadline
   * counted from now), LED ON/OFF goes on as legacy text, anything else is ignored. True when the frame goes on.
   */
  private legacyFrame(slot: number, data: Uint8Array): boolean {
    const kind = legacyFrameKind(data, false);
    if (kind === 'ignore') {
      this.ignoredLegacy += 1;
      return false;
    }
    if (kind === 'switch') {
      const s = this.slots[slot]!;
      s.mode = 'esphil';
      s.authSince = this.now;
      this.greet(slot);
    }
    return true;
  }

  /** Device::onDisconnect (WStype_DISCONNECTED). */
  disconnect(slot: number): DeviceAction[] {
    this.onDisconnect(slot);
    return this.drain();
  }

  /** Device::onText: the frame's bytes as the library delivers them (no UTF-8 check). */
  text(slot: number, data: Uint8Array): DeviceAction[] {
    const s = this.slots[slot];
    if (!s?.connected || s.refuseAt !== 0) return this.drain();
    if (s.mode === 'legacy' && !this.legacyFrame(slot, data)) return this.drain();
    if (data.length > MAX_FRAME_BYTES) {
      this.send(
        slot,
        errorText(null, 'too_large', `frame of ${data.length} bytes exceeds ${MAX_FRAME_BYTES}`),
      );
      return this.drain();
    }
    const legacy = isLegacyText(data);
    const d = legacy === null ? decodeRequest(data, { maxBytes: MAX_FRAME_BYTES }) : null;
    const from: Origin = { kind: 'ws', client: slot };
    if (this.needsAuth(slot) && !(d?.ok && d.value.op === 'auth')) {
      // PROTOCOL.md 8.1: before auth every other frame is answered `unauthorized` (id when readable).
      const id = d === null ? null : d.ok ? d.value.id : d.error.id;
      this.send(slot, errorText(id, 'unauthorized', NEEDS_TOKEN));
      return this.drain();
    }
    if (legacy !== null) {
      const r = legacyStep(this.state, legacy, this.ctx(from));
      this.state = r.state;
      if (r.reply !== null) {
        this.send(slot, r.reply);
        this.apply(r.effects);
        this.deliver(r.events);
      }
      return this.drain();
    }
    if (d === null) return this.drain();
    if (!d.ok) {
      this.send(slot, errorText(d.error.id, d.error.code, d.error.message));
      return this.drain();
    }
    this.request(slot, d.value, from);
    return this.drain();
  }

  /** Device::onBinary. */
  binary(slot: number): DeviceAction[] {
    const s = this.slots[slot];
    if (!s?.connected || s.refuseAt !== 0) return this.drain();
    if (s.mode === 'legacy') {
      this.ignoredLegacy += 1; // PROTOCOL.md 9: never answered in legacy mode
      return this.drain();
    }
    this.send(
      slot,
      this.needsAuth(slot)
        ? errorText(null, 'unauthorized', NEEDS_TOKEN)
        : errorText(null, 'bad_request', 'binary frames are not accepted: send JSON text'),
    );
    return this.drain();
  }

  /** Device::onFragment: every fragment is ignored (PROTOCOL.md 2.4). */
  fragment(_slot: number): DeviceAction[] {
    return this.drain();
  }

  /** Device::loop: one pass of the sketch's loop(). */
  tick(): DeviceAction[] {
    if (this.originRefused) {
      this.originRefused = false;
      this.log('warn', ORIGIN_REFUSED);
    }
    this.console.pollWifi();
    this.pollButtons();
    this.pollSensors();
    if (this.state.caps.auth) this.pollAuth();
    if (this.rebootAt !== null && this.now >= this.rebootAt) {
      this.rebootAt = null;
      // PROTOCOL.md 5.1: every connection gets the library's disconnect() before the restart.
      for (let c = 0; c < DEVICE_MAX_SLOTS; c++) if (this.slots[c]!.connected) this.close(c);
      this.restarted = true;
      this.out.push({ a: 'restart' });
    }
    return this.drain();
  }

  private request(slot: number, req: Parameters<typeof step>[1], from: Origin): void {
    const s = this.slots[slot]!;
    const gate = req.op === 'auth' && this.needsAuth(slot);
    if (gate) {
      const g = this.throttle.gate(s.address);
      if (g.locked) {
        // Not checked while the address is locked (PROTOCOL.md 8.1): refusal and disconnect() at once.
        const msg = `too many failed auth attempts from this address: retry in ${g.retryInMs} ms`;
        this.send(slot, errorText(req.id, 'unauthorized', msg));
        this.close(slot);
        return;
      }
    }
    const r = step(this.state, req, this.ctx(from));
    this.state = r.state;
    const response = encodeMessage(r.response);
    if (gate && this.needsAuth(slot)) {
      const hold = this.throttle.failed(s.address);
      if (hold === 0) {
        this.send(slot, response);
        this.close(slot);
      } else {
        s.refusal = response;
        s.refuseAt = this.now + hold;
      }
      return;
    }
    if (gate) this.throttle.succeeded(s.address);
    this.send(slot, response);
    if (req.op === 'auth' && !this.slots[slot]!.helloSent) this.sendHello(slot);
    this.apply(r.effects);
    this.deliver(r.events);
  }

  /** Device::serialLine's step: origin serial (no auth, config.set allowed, PROTOCOL.md 11.2). */
  private serialStep(req: Request): SerialStep {
    const r = step(this.state, req, this.ctx({ kind: 'serial' }));
    this.state = r.state;
    return { response: encodeMessage(r.response), effects: r.effects, events: r.events };
  }

  private pollAuth(): void {
    const deadline = this.state.config.websocket.authDeadlineMs;
    for (let c = 0; c < DEVICE_MAX_SLOTS; c++) {
      const s = this.slots[c]!;
      if (s.connected && s.refuseAt !== 0 && this.now >= s.refuseAt) {
        this.send(c, s.refusal);
        this.close(c);
        continue;
      }
      if (s.connected && s.refuseAt === 0 && !s.helloSent && this.now - s.authSince >= deadline) {
        // A legacy-mode connection gets no JSON it did not ask for: just the close (PROTOCOL.md 9).
        if (s.mode === 'esphil') this.send(c, errorText(null, 'unauthorized', 'auth deadline passed'));
        this.close(c);
      }
    }
  }

  private pollButtons(): void {
    const buttons = this.state.config.buttons;
    buttons.forEach((b, i) => {
      const level = this.levels.get(b.pin) ?? 0;
      const pressed = b.activeLow ? level === 0 : level === 1;
      const d = this.debouncers[i]!;
      if (!d.update(pressed, this.now, b.debounceMs)) return;
      const r = applyInput(this.state, { kind: 'button', button: b.name, pressed: d.state }, this.ctx());
      this.state = r.state;
      this.deliver(r.events);
    });
  }

  private pollSensors(): void {
    this.state.config.sensors.forEach((cfg, k) => {
      let sampled = false;
      for (let c = 0; c < DEVICE_MAX_SLOTS; c++) {
        const s = this.slots[c]!;
        const hz = this.state.subscriptions[c]?.[cfg.name] ?? 0;
        if (!s.connected || !s.helloSent || !(hz > 0)) continue;
        const next = s.nextSample[k] ?? 0;
        if (this.now < next) continue;
        const rate = Math.min(MAX_SENSOR_HZ, Math.max(MIN_SENSOR_HZ, hz));
        const period = Math.max(1, Math.trunc(1000 / rate));
        // On the grid, but no burst to catch up after a stall (device.cpp pollSensors).
        s.nextSample[k] = next === 0 || this.now - next >= period ? this.now + period : next + period;
        if (!sampled) {
          const raw = this.adc.get(cfg.pin) ?? 0;
          this.state = applyInput(
            this.state,
            { kind: 'sensor-sample', sensor: cfg.name, raw },
            this.ctx(),
          ).state;
          sampled = true;
        }
        const reading = this.state.snapshot.sensors[cfg.name] ?? { raw: 0, value: 0 };
        s.seq += 1;
        this.send(c, numberedEvent({ t: 'evt', ev: 'sensor', sensor: cfg.name, ...reading }, s.seq));
      }
    });
  }

  private needsAuth(slot: number): boolean {
    return this.state.caps.auth && !this.state.authorized.includes(slot);
  }

  private ctx(from: Origin = { kind: 'serial' }): StepContext {
    const clients = this.connectedClients;
    return {
      from,
      nowMs: this.now,
      uptimeMs: this.now - this.bootAt,
      identity: { ...this.identity },
      clients,
      ip: this.radio.ip,
      rssi: this.radio.rssi,
      heapFree: this.heapFree - clients * HEAP_PER_CLIENT,
    };
  }

  private sendHello(slot: number): void {
    const s = this.slots[slot]!;
    s.helloSent = true;
    this.send(slot, JSON.stringify(buildHello(this.state, this.identity, s.seq)));
  }

  private send(slot: number, text: string): void {
    this.out.push({ a: 'send', slot, text });
  }

  /** hal.disconnect: close 1000; the library fires DISCONNECTED inside disconnect() (facts §6). */
  private close(slot: number): void {
    this.out.push({ a: 'close', slot, code: 1000 });
    this.onDisconnect(slot);
  }

  private onDisconnect(slot: number): void {
    if (slot < 0 || slot >= DEVICE_MAX_SLOTS) return;
    this.slots[slot] = freshSlot();
    this.clientGone(slot);
  }

  private clientGone(slot: number): void {
    this.state = applyInput(this.state, { kind: 'client-disconnected', client: slot }, this.ctx()).state;
  }

  private deliver(events: readonly UnsequencedEvent[]): void {
    const firstLed = this.state.config.leds[0]?.name;
    for (const ev of events) {
      this.slots.forEach((s, c) => {
        if (s.connected && s.mode === 'legacy') {
          const text = legacyBroadcastText(ev, firstLed, c);
          if (text !== null) this.send(c, text);
          return;
        }
        if (!s.connected || !s.helloSent) return;
        s.seq += 1;
        this.send(c, numberedEvent(ev, s.seq));
      });
      // PROTOCOL.md 11.1: the console gets every event the clients get (sensor samples never pass here).
      this.console.mirror(ev);
    }
  }

  /** Device::log: plain text on the console, then a log event (to clients and console) within the log level. */
  private log(level: LogLevel, msg: string): void {
    const current = this.state.snapshot.logLevel as LogLevel;
    if (LOG_ORDER.indexOf(level) > LOG_ORDER.indexOf(current)) return;
    this.console.logText(level, msg);
    this.deliver([{ t: 'evt', ev: 'log', level, msg: msg.slice(0, LOG_MSG_MAX) }]);
  }

  private apply(effects: readonly Effect[]): void {
    for (const e of effects) {
      switch (e.kind) {
        case 'led-output':
          this.out.push({ a: 'pin', pin: e.pin, level: e.level });
          break;
        case 'pwm-output':
          this.out.push({ a: 'pwm', pin: e.pin, freq: e.freq, bits: e.bits, duty: e.duty });
          break;
        case 'store-config':
          this.out.push({ a: 'store-config', json: JSON.stringify(e.config) });
          break;
        case 'reboot':
          this.rebootAt = this.now + e.afterMs;
          break;
      }
    }
  }

  private drain(): DeviceAction[] {
    const a = this.out;
    this.out = [];
    return a;
  }
}
