/**
 * Power and boot of the board: phases, the boot generation (`gen`: work of an older boot is stale), the board's
 * timers, the dev board's auto-reset circuit (DTR/RTS -> EN/GPIO0, ../reset-circuit.ts), the ROM banner, the
 * modelled flash boot (../sim-flash.ts), the app's boot, the faults that restart or crash it, panics and reboots.
 */
import type { EventEmitter } from 'node:events';
import type { DeviceIdentity } from '@esphil/device-model';
import { SimError } from '../../errors';
import type { FaultPlan } from '../../faults/index';
import type { LatencyModel } from '../../latency';
import type { Rng } from '../../rng';
import { ROM_BAUD } from '../../rom';
import type { BackendExit } from '../backend';
import { type BootMode, panicLines, type ResetKind, resetNoise, romBanner } from '../console-text';
import { type ControlLines, EN_RELEASE_MS, strapLevels } from '../reset-circuit';
import type { SimFlash } from '../sim-flash';
import type { BoardContext, BoardStore, DutApp } from './app';
import type { PinIo } from './pin-io';
import { Uart } from './uart';

/** reboot-loop: how long the app runs before it panics. */
export const REBOOT_LOOP_MS = 300;
/** At most this many stderr lines of a dead native backend or body are printed (each cut to 200 characters). */
export const CRASH_STDERR_LINES = 20;

/** `halted`: the bootloader refused the flashed image (flash model only); the app never starts. */
export type DutPhase = 'off' | 'reset' | 'booting' | 'running' | 'download' | 'halted';
/** Where start()/reset()/reboot() stop waiting. */
export const SETTLED_PHASES: DutPhase[] = ['running', 'download', 'halted'];

export interface DutEvents {
  /** Bytes the DUT puts on its UART TX (towards the host). */
  serial: [data: Uint8Array];
  phase: [phase: DutPhase];
  /** The app reached `ready` (after WiFi connected or failed). */
  ready: [info: { boot: string; ip: string | null; url: string | null }];
  /** ROM started (every reset, including into download mode). */
  reset: [info: { reason: ResetKind; mode: BootMode }];
  /** The device logic cannot run on this host (not a firmware fault); start() rejects with it. */
  'host-error': [err: SimError];
  /** The UART's baud rate changed (ROM reset to 115200, CHANGE_BAUDRATE); only with the flash model. */
  baud: [baud: number];
}

export interface PowerOptions {
  events: EventEmitter<DutEvents>;
  rng: Rng;
  faults: FaultPlan;
  latency: LatencyModel;
  pins: PinIo;
  store: BoardStore;
  flash: SimFlash | null;
  /** fw, board and device id; the boot id is drawn at every boot. */
  identity: DeviceIdentity;
  /** The app on this board, given the board's services. */
  app(ctx: BoardContext): DutApp;
}

export class Power {
  readonly uart: Uart;
  readonly app: DutApp;
  private readonly opts: PowerOptions;
  private readonly events: EventEmitter<DutEvents>;
  private _phase: DutPhase = 'off';
  private _gen = 0;
  private closed = false;
  private bootCount = 0;
  private bootedAt = 0;
  private lines: ControlLines = { dtr: false, rts: false };
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private rebootAfterDone = false;
  identity: DeviceIdentity;

  constructor(opts: PowerOptions) {
    this.opts = opts;
    this.events = opts.events;
    this.identity = { ...opts.identity };
    this.uart = new Uart({
      tx: (data) => this.events.emit('serial', data),
      rng: opts.rng,
      garbage: opts.faults.serialGarbage,
      appRuns: () => this._phase !== 'off' && this._phase !== 'reset' && this._phase !== 'download',
      uptime: () => this.uptime(),
      romLoader: (data) => this._phase === 'download' && opts.flash?.feed(data) === true,
      app: (data) => this.app.serial(data),
    });
    this.app = opts.app(this.context());
  }

  private context(): BoardContext {
    const self = this;
    const o = this.opts;
    return {
      uart: this.uart,
      pins: o.pins,
      faults: o.faults,
      latency: o.latency,
      rng: o.rng,
      store: o.store,
      get gen() {
        return self._gen;
      },
      running: () => this._phase === 'running',
      uptime: () => this.uptime(),
      sleep: (ms, gen) => this.sleep(ms, gen),
      later: (ms, fn) => this.later(ms, fn),
      restart: (gen) => void this.softRestart(gen),
      espRestart: (gen) => this.espRestart(gen),
      crashed: (gen, exit) => this.appDied(gen, exit),
      ready: (info) => this.events.emit('ready', { boot: this.identity.boot, ...info }),
    };
  }

  get phase(): DutPhase {
    return this._phase;
  }
  get gen(): number {
    return this._gen;
  }
  get boots(): number {
    return this.bootCount;
  }
  get controlLines(): ControlLines {
    return { ...this.lines };
  }

  /** Power on: the WebSocket port starts listening, the chip boots. Resolves once the app is ready. */
  async start(): Promise<void> {
    await this.app.listen();
    const ready = this.nextPhase(SETTLED_PHASES);
    let onHostError: ((err: SimError) => void) | undefined;
    const hostError = new Promise<never>((_, reject) => {
      onHostError = reject;
      this.events.once('host-error', reject);
    });
    this.powerOn('poweron', 'flash');
    try {
      await Promise.race([ready, hostError]);
    } finally {
      if (onHostError) this.events.off('host-error', onHostError);
    }
  }

  /** Resolves at the next entry into one of `phases` (or now, if already there). */
  waitForPhase(phases: DutPhase | DutPhase[]): Promise<DutPhase> {
    const list = Array.isArray(phases) ? phases : [phases];
    if (list.includes(this._phase)) return Promise.resolve(this._phase);
    return this.nextPhase(list);
  }

  private nextPhase(list: DutPhase[]): Promise<DutPhase> {
    return new Promise((resolve) => {
      const on = (p: DutPhase): void => {
        if (!list.includes(p)) return;
        this.events.off('phase', on);
        resolve(p);
      };
      this.events.on('phase', on);
    });
  }

  /** The EN button: reset and boot normally. Resolves when the app is ready again. */
  async reset(): Promise<void> {
    const ready = this.nextPhase(SETTLED_PHASES);
    this.holdInReset();
    this.powerOn('poweron', 'flash');
    await ready;
  }

  /** esp_restart() from the app: clients get a 1000 close first. Resolves when the app is ready again. */
  async reboot(): Promise<void> {
    const ready = this.nextPhase(SETTLED_PHASES);
    await this.softRestart(this._gen);
    await ready;
  }

  /** The firmware's restart path: disconnect() (close 1000) every client, then esp_restart(). */
  private async softRestart(gen: number): Promise<void> {
    if (gen !== this._gen || this.closed) return;
    await this.app.closeAll();
    this.espRestart(gen);
  }

  /** esp_restart() once the goodbye is done: a software reset into the flashed app. */
  espRestart(gen: number): void {
    if (gen !== this._gen || this.closed) return;
    this.holdInReset();
    this.powerOn('sw', 'flash');
  }

  /** DTR/RTS from the host (serialport `set`). Drives EN and GPIO0 through the auto-reset circuit. */
  setControlLines(lines: ControlLines): void {
    if (this.closed) return;
    const before = strapLevels(this.lines);
    this.lines = { dtr: !!lines.dtr, rts: !!lines.rts };
    const after = strapLevels(this.lines);
    if (this._phase === 'off') return;
    if (before.en && !after.en) this.holdInReset();
    else if (!before.en && after.en) this.later(EN_RELEASE_MS, () => this.leaveReset());
  }

  /** EN has been high for EN_RELEASE_MS (holdInReset cancels the timer): boot, in the mode GPIO0 says now. */
  private leaveReset(): void {
    const now = strapLevels(this.lines);
    if (now.en) this.powerOn('poweron', now.gpio0 ? 'flash' : 'download');
  }

  /** Host bytes on RX. */
  serialWrite(data: Uint8Array): void {
    if (!this.closed) this.uart.receive(data);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this._gen++;
    this.clearTimers();
    await this.app.close();
    this.setPhase('off');
  }

  private setPhase(p: DutPhase): void {
    if (this._phase === p) return;
    this._phase = p;
    this.events.emit('phase', p);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private sleep(ms: number, gen: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(gen === this._gen);
    return new Promise((resolve) => this.later(ms, () => resolve(gen === this._gen)));
  }

  private uptime(): number {
    return this.bootedAt === 0 ? 0 : Date.now() - this.bootedAt;
  }

  /** EN low: the chip stops, pins float, every TCP connection is gone. */
  private holdInReset(): void {
    this._gen++;
    this.clearTimers();
    this.app.drop();
    this.setPhase('reset');
  }

  private powerOn(reason: ResetKind, mode: BootMode): void {
    if (this.closed) return;
    const gen = ++this._gen;
    this.setPhase('booting');
    void this.boot(gen, reason, mode).catch((err: unknown) => {
      if (gen !== this._gen) return;
      // Device logic that cannot run at all (e.g. the native executable is missing) is the host's problem, not a
      // firmware panic: report it instead of modelling a boot loop that would hide the cause.
      if (err instanceof SimError && err.code === 'bad_option') {
        this.events.emit('host-error', err);
        return;
      }
      this.uart.log('E', 'main.cpp:12', `setup(): ${String(err)}`);
      // abort() in setup(): the board resets after the panic handler, never in a tight loop.
      this.later(REBOOT_LOOP_MS, () => this.panic(gen));
    });
  }

  private async boot(gen: number, reason: ResetKind, mode: BootMode): Promise<void> {
    this.bootedAt = Date.now();
    this.uart.write(resetNoise(this.opts.rng));
    for (const l of romBanner(reason, mode)) this.uart.println(l);
    this.events.emit('reset', { reason, mode });
    const flash = this.opts.flash;
    if (mode === 'download') {
      flash?.enterDownload({
        send: (bytes) => this.uart.write(bytes),
        setBaud: (baud) => this.events.emit('baud', baud),
        runUserCode: () => this.powerOn('sw', 'flash'),
      });
      this.setPhase('download');
      return;
    }
    if (flash && !this.bootImage(flash)) {
      this.setPhase('halted');
      return;
    }
    if (!(await this.sleep(this.opts.latency.profile.bootMs, gen))) return;

    this.identity = { ...this.identity, boot: this.opts.rng.hex(8) };
    const booted = await this.app.boot({ gen, reason, identity: { ...this.identity } });
    if (gen !== this._gen) return;
    this.identity = { ...booted.identity };
    this.bootCount++;
    this.setPhase('running');
    this.events.emit('ready', { boot: this.identity.boot, ip: booted.ip, url: booted.url });
    this.armFaultTimers(gen);
  }

  /** The bootloader's checks on the flashed image; a bad one prints its errors and the app never starts. */
  private bootImage(flash: SimFlash): boolean {
    this.events.emit('baud', ROM_BAUD);
    const result = flash.boot({ readFault: this.opts.faults.appCorrupt });
    for (const line of result.lines) this.uart.println(line);
    if (result.ok) {
      const { projectName: project, version, elfSha256 } = result.app;
      this.identity = { ...this.identity, fw: version, app: { project, version, elfSha256 } };
    }
    return result.ok;
  }

  private armFaultTimers(gen: number): void {
    const after = this.opts.faults.rebootAfterMs;
    if (after !== null && !this.rebootAfterDone) {
      this.rebootAfterDone = true;
      this.later(after, () => {
        if (gen !== this._gen) return;
        this.uart.log('W', 'main.cpp:90', 'loop(): restarting (reboot-after fault)');
        void this.softRestart(gen);
      });
    }
    if (this.opts.faults.rebootLoop) {
      this.later(REBOOT_LOOP_MS, () => {
        if (gen === this._gen) this.panic(gen);
      });
    }
  }

  /**
   * The device logic died by itself (the native process exited or was killed): a firmware crash. The cause goes to
   * the console (bounded), then the board panics and reboots with fresh device logic, instead of answering
   * `internal` for ever.
   */
  private appDied(gen: number, exit: BackendExit): void {
    if (gen !== this._gen || this.closed) return;
    this.uart.log('E', 'main.cpp:1', `device core ${exit.reason}`);
    const tail = exit.stderrTail.split('\n').slice(-CRASH_STDERR_LINES);
    for (const line of tail) if (line.trim() !== '') this.uart.println(`stderr: ${line.slice(0, 200)}`);
    this.panic(gen);
  }

  private panic(gen: number): void {
    if (gen !== this._gen) return;
    for (const l of panicLines()) this.uart.println(l);
    this.holdInReset();
    this.powerOn('panic', 'flash');
  }
}
