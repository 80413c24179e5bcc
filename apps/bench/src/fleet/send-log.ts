/**
 * Timestamps of sensor events at the moment the simulated device hands them to its socket, on the clock
 * every process on this machine shares (performance.timeOrigin + performance.now()). The fleet scenario
 * pairs them with the client's receive times by (device port, seq): delivery latency without trusting
 * either side's idea of the sample schedule.
 */
import type { UnsequencedEvent } from '@esphil/protocol';
import { WsServer } from '@esphil/sim';
import { sharedNow } from '../stats';

/** Parallel arrays: compact to hold and to ship over IPC. */
export interface SendLog {
  ports: number[];
  seqs: number[];
  times: number[];
}

interface WsServerInternals {
  port: number;
  clients: Map<number, { seq: number }>;
  sendEvent(slot: number, event: UnsequencedEvent): void;
}

let log: SendLog = { ports: [], seqs: [], times: [] };
let installed = false;

/** Wraps WsServer.prototype.sendEvent once per process. The wrapper only reads: the frame is unchanged. */
export function installSendLog(): void {
  if (installed) return;
  installed = true;
  const proto = WsServer.prototype as unknown as WsServerInternals;
  const original = proto.sendEvent;
  proto.sendEvent = function (this: WsServerInternals, slot: number, event: UnsequencedEvent): void {
    const t = sharedNow();
    original.call(this, slot, event);
    if (event.ev !== 'sensor') return;
    const seq = this.clients.get(slot)?.seq;
    if (seq === undefined) return;
    log.ports.push(this.port);
    log.seqs.push(seq);
    log.times.push(t);
  };
}

/** Hands over what was logged since the last call. */
export function takeSendLog(): SendLog {
  const out = log;
  log = { ports: [], seqs: [], times: [] };
  return out;
}
