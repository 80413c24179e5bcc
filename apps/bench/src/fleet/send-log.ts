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

/**
 * Fixed-size typed chunks: logging 10,000 events/s must not itself make garbage or regrow arrays (a growing
 * JS array or Map here showed up as 15-50 ms GC pauses in the measured latency tail).
 */
const CHUNK = 65_536;
interface Chunk {
  ports: Uint16Array;
  seqs: Uint32Array;
  times: Float64Array;
}
let chunks: Chunk[] = [];
let used = 0;
let installed = false;

function newChunk(): Chunk {
  return { ports: new Uint16Array(CHUNK), seqs: new Uint32Array(CHUNK), times: new Float64Array(CHUNK) };
}

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
    if (chunks.length === 0 || used === CHUNK) {
      chunks.push(newChunk());
      used = 0;
    }
    const c = chunks[chunks.length - 1] as Chunk;
    c.ports[used] = this.port;
    c.seqs[used] = seq;
    c.times[used] = t;
    used++;
  };
}

/** Hands over what was logged since the last call. */
export function takeSendLog(): SendLog {
  const out: SendLog = { ports: [], seqs: [], times: [] };
  chunks.forEach((c, i) => {
    const n = i === chunks.length - 1 ? used : CHUNK;
    // Element by element: spreading 65,536 values as call arguments would sit at V8's argument limit.
    for (let k = 0; k < n; k++) {
      out.ports.push(c.ports[k] ?? 0);
      out.seqs.push(c.seqs[k] ?? 0);
      out.times.push(c.times[k] ?? 0);
    }
  });
  chunks = [];
  used = 0;
  return out;
}
