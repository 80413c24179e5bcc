/**
 * The link between the board and its clients in body mode: what the firmware sends (through BodyServer's
 * `BodyLink`) meets the sim's link faults and latency here, on its way to the connection. The firmware numbers its
 * own events, so a dropped event leaves a gap in seq, as on a lossy link. Per connection, frames keep their order
 * (the connection's outbox, ../outbox.ts: a frame never overtakes an earlier one, as on one TCP stream), and a
 * close leaves after the frames before it.
 */
import type { Rng } from '../../rng';
import type { BodyLink } from '../body/body-server';
import type { WsConnection } from '../transport/arduino-ws-transport';

/** How long a goodbye waits for close handshakes before the board goes away (as WsServer's GOODBYE_MAX_WAIT_MS). */
export const LINK_SETTLE_MAX_MS = 1_000;

export interface LinkFaultRates {
  /** Probability that a response (`"t":"res"`, or a legacy text answer) is lost. */
  ackDropRate: number;
  /** Extra delay for responses, ms. */
  ackDelayMs: number;
  /** Probability that an event (`"t":"evt"`) is lost. */
  eventDropRate: number;
  /** Probability that a frame (any but hello) is mangled. */
  corruptFrameRate: number;
}

/** One roll of the fault dice. */
export function roll(rate: number, rng: Rng | undefined): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return (rng?.next() ?? Math.random()) < rate;
}

/** Truncation plus a flipped character: invalid JSON, as a torn frame from a broken firmware would be. */
export function corruptFrame(text: string, rng: Rng | undefined): string {
  const r = (n: number): number => Math.floor((rng?.next() ?? Math.random()) * n);
  const cut = Math.max(1, r(text.length));
  const chars = text.slice(0, cut).split('');
  const at = r(chars.length);
  chars[at] = chars[at] === '#' ? '%' : '#';
  return chars.join('');
}

/** `hello`: the first message of an esphil connection (hello or auth_required); `other`: legacy text (PROTOCOL.md 9). */
export type FrameKind = 'res' | 'evt' | 'hello' | 'other';

/** The kind of a frame the esphil firmware sends: it always writes `t` first (PROTOCOL.md 3). */
export function frameKind(text: string): FrameKind {
  if (text.startsWith('{"t":"res"')) return 'res';
  if (text.startsWith('{"t":"evt"')) return 'evt';
  if (text.startsWith('{"t":"hello"') || text.startsWith('{"t":"auth_required"')) return 'hello';
  return 'other';
}

export interface LinkFaultOptions {
  faults: LinkFaultRates;
  rng?: Rng;
  /** One-way delay of an unsolicited frame (hello, events), ms. */
  oneWay(): number;
  /** Delay of a response: the request's way in and the answer's way out in one sample, ms. */
  rtt(): number;
}

export class LinkFaults implements BodyLink {
  private readonly opts: LinkFaultOptions;
  /** Closes whose handshake has not finished yet. */
  private readonly closing = new Set<Promise<void>>();

  constructor(opts: LinkFaultOptions) {
    this.opts = opts;
  }

  send(conn: WsConnection, text: string, answer: boolean): void {
    const { faults, rng } = this.opts;
    const kind = frameKind(text);
    let delay: number;
    // A response: a `res` message, or the legacy text answer (`LED is now ON`) to the frame that asked for it; the
    // same text broadcast to the other legacy-mode connections is an event (PROTOCOL.md 9).
    if (kind === 'res' || (answer && kind === 'other')) {
      if (roll(faults.ackDropRate, rng)) return;
      delay = this.opts.rtt() + faults.ackDelayMs;
    } else {
      if (kind === 'evt' && roll(faults.eventDropRate, rng)) return;
      delay = this.opts.oneWay();
    }
    const out = kind !== 'hello' && roll(faults.corruptFrameRate, rng) ? corruptFrame(text, rng) : text;
    conn.send(out, delay);
  }

  /** The library's disconnect(): after what is still held back by latency, as on one TCP stream. */
  close(conn: WsConnection, code: number): void {
    const gone = new Promise<void>((resolve) => {
      if (conn.gone) resolve();
      else conn.once('disconnected', () => resolve());
    });
    this.closing.add(gone);
    void gone.then(() => this.closing.delete(gone));
    if (conn.pendingFrames === 0) conn.disconnect(code);
    else void conn.whenFlushed().then(() => conn.disconnect(code));
  }

  /** Resolves once every close so far has finished its handshake, or after `maxWaitMs`. */
  async settle(maxWaitMs = LINK_SETTLE_MAX_MS): Promise<void> {
    if (this.closing.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, maxWaitMs);
    });
    await Promise.race([Promise.all([...this.closing]), deadline]);
    clearTimeout(timer);
  }
}
