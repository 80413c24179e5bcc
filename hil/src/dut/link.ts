/**
 * The session's hold on a DUT through its adapter: the current io, its capabilities, and for pattern-ready firmware
 * what esphil's client does itself: notice reboots (on the console) and reconnect after a reset.
 */
import type { SerialConsole } from '@esphil/serial';
import type { ResolvedBench } from '../bench/types';
import { HilError } from '../errors';
import type { Transcript } from '../session/log';
import { recordingWebSocket } from '../stages/recording-ws';
import type { DutCapability } from './capabilities';
import { capabilitiesOf } from './load';
import { consoleText, readyRegExp, waitForPattern } from './ready';
import type { DutAdapter, DutIo, DutSocketClass } from './types';

/** The ESP32 ROM's first line after any reset (`rst:0x1 (POWERON_RESET),boot:0x13 ...`). */
const ROM_RESET_LINE = /^rst:0x[0-9a-f]+/i;

export interface DutLink {
  readonly name: string;
  readonly capabilities: ReadonlySet<DutCapability>;
  /** The io of the current connection (a reset replaces it for pattern-ready DUTs). */
  readonly io: DutIo;
  /** After a hardware reset: waits for ready from `mark` on and, for pattern-ready DUTs, reconnects the io. */
  afterReset(mark: number, ready: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface DutLinkOptions {
  bench: ResolvedBench;
  adapter: DutAdapter;
  io: DutIo;
  console: SerialConsole;
  transcript: Transcript;
  config: Parameters<DutAdapter['connect']>[0]['config'];
  url: string;
  /** Called for every reboot the console shows (pattern-ready DUTs; esphil's client reports its own). */
  onReboot(line: string): void;
}

export function openDutLink(o: DutLinkOptions): DutLink {
  const capabilities = capabilitiesOf(o.adapter, o.bench);
  let io = o.io;
  const spec = o.adapter.ready;
  let stopWatch = () => {};
  if (spec !== 'esphil') {
    const re = readyRegExp(spec);
    // One reboot shows as a ROM reset line and then the ready line (hardware), or as the ready line alone (a sim
    // that prints no ROM output): count the ROM line, or a ready line no ROM line came before.
    let romSeen = false;
    stopWatch = o.console.on('item', (item) => {
      const text = consoleText(item);
      if (text === undefined) return;
      if (ROM_RESET_LINE.test(text)) {
        romSeen = true;
        o.onReboot(text);
      } else if (re.test(text)) {
        if (!romSeen) o.onReboot(text);
        romSeen = false;
      }
    });
  }
  // The io opened by a reconnect: the connect stage's cleanup closes only the first.
  let reopened: DutIo | null = null;
  return {
    name: o.adapter.name,
    capabilities,
    get io() {
      return io;
    },
    async afterReset(mark, ready) {
      if (spec === 'esphil') return ready();
      await waitForPattern(o.console, spec, {
        since: mark,
        timeoutMs: o.bench.timeouts.readyMs,
        signal: new AbortController().signal,
      }).catch((e: unknown) => {
        throw new HilError('never_ready', `after the reset: ${(e as Error).message}`, 'read the serial log');
      });
      await io.close().catch(() => {});
      io = await o.adapter.connect({
        url: o.url,
        timeoutMs: o.bench.timeouts.connectMs,
        requestTimeoutMs: o.bench.timeouts.requestMs,
        token: o.bench.dut.token,
        config: o.config,
        WebSocket: recordingWebSocket(o.transcript, 'dut') as unknown as DutSocketClass,
      });
      reopened = io;
    },
    async close() {
      stopWatch();
      await reopened?.close().catch(() => {});
    },
  };
}
