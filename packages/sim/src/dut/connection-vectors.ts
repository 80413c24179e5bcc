/**
 * Runs device-model's connection vectors (vectors/connection.json: what WebSocket connections observe) through the
 * sim's transport with real `ws` clients on loopback, so each device (a backend behind `WsServer`, or a whole body
 * behind `BodyServer`) is held to the same file the firmware core's host test runs. A step's output on an esphil-mode connection (one that got hello or
 * auth_required) is delimited by a marker request sent after it (its answer is the last frame of the step), or by
 * the device's close when the vector expects one. A legacy-mode connection (PROTOCOL.md 9) cannot be delimited
 * in-band without leaving legacy mode (a JSON marker switches it), so its step waits for exactly the frames the
 * vector lists; a frame too many shows up before a later step's frames, which the vectors end with a switch.
 */
import type { DeviceConfig } from '@esphil/device-model';
import { mismatch } from '@esphil/device-model';
import WebSocket from 'ws';
import { startSimBench } from '../bench';
import type { DeviceBackendFactory } from './backend';
import type { DeviceBodyFactory } from './body/body';

export interface ConnectionExpect {
  /** The upgrade is refused with this HTTP status (no connection). */
  refused?: number;
  /** Patterns (device-model `mismatch` rules) for every frame the step produces, in order. */
  frames?: unknown[];
  /** The device closes with this code after the frames. Absent: the connection stays open. */
  close?: number;
}

export interface Fragment {
  kind: 'text' | 'binary' | 'continuation';
  fin: boolean;
  data: string;
}

export interface ConnectionStepExpect extends ConnectionExpect {
  /** Frames other connections get from this step, by client number; a connected client not listed gets none. */
  peers?: Record<string, unknown[]>;
}

export type ConnectionStep = {
  expect: ConnectionStepExpect;
  /** Which connection the step is on (default 0). Clients connect in number order, so client n is slot n. */
  client?: number;
} & (
  | { connect: { origin?: string; url?: string } }
  | { text: string }
  | { textHex: string }
  | { binaryHex: string }
  | { fragments: Fragment[] }
  | { advanceMs: number }
);

export interface ConnectionVector {
  name: string;
  config: string;
  steps: ConnectionStep[];
}

export interface ConnectionVectorFile {
  format: 'esphil-connection-vectors';
  version: number;
  configs: Record<string, DeviceConfig>;
  vectors: ConnectionVector[];
}

/** The id of the marker request; vectors do not use it. */
export const MARKER_ID = 424242;
const MARKER = JSON.stringify({ id: MARKER_ID, op: 'ping' });
/** A step whose output does not arrive within this long fails (it is a bound, never a wait). */
const STEP_TIMEOUT_MS = 5_000;

interface Conn {
  ws: WebSocket;
  frames: unknown[];
  closed: number | null;
  changed: () => void;
  /** Got hello or auth_required: an esphil-mode connection, delimited with the marker. */
  esphil: boolean;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isMarker(f: unknown): boolean {
  return typeof f === 'object' && f !== null && (f as { id?: unknown }).id === MARKER_ID;
}

function isGreeting(f: unknown): boolean {
  const t = typeof f === 'object' && f !== null ? (f as { t?: unknown }).t : undefined;
  return t === 'hello' || t === 'auth_required';
}

function open(url: string, origin: string | undefined): Promise<Conn | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin !== undefined ? { origin } : {});
    const conn: Conn = { ws, frames: [], closed: null, changed: () => {}, esphil: false };
    ws.on('message', (data, isBinary) => {
      const f = isBinary ? data : parse(data.toString('utf8'));
      if (isGreeting(f)) conn.esphil = true;
      conn.frames.push(f);
      conn.changed();
    });
    ws.on('close', (code) => {
      conn.closed = code;
      conn.changed();
    });
    ws.on('open', () => resolve(conn));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.on('error', reject);
  });
}

/** Resolves when `done()` holds after some frame or close, or rejects after STEP_TIMEOUT_MS. */
function until(conn: Conn, done: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!done()) return;
      clearTimeout(timer);
      conn.changed = () => {};
      resolve();
    };
    const timer = setTimeout(() => {
      conn.changed = () => {};
      reject(new Error(`no ${what} within ${STEP_TIMEOUT_MS} ms; got ${JSON.stringify(conn.frames)}`));
    }, STEP_TIMEOUT_MS);
    conn.changed = check;
    check();
  });
}

function send(conn: Conn, step: ConnectionStep): void {
  if ('text' in step) conn.ws.send(step.text);
  else if ('textHex' in step) conn.ws.send(Buffer.from(step.textHex, 'hex'), { binary: false });
  else if ('binaryHex' in step) conn.ws.send(Buffer.from(step.binaryHex, 'hex'), { binary: true });
  else if ('fragments' in step) {
    for (const f of step.fragments)
      conn.ws.send(Buffer.from(f.data), { binary: f.kind === 'binary', fin: f.fin });
  }
}

/** The step's frames on one connection: up to the device's close, the marker's answer (excluded), or `want` frames. */
async function collect(conn: Conn, want: number, close: number | undefined): Promise<unknown[]> {
  if (close !== undefined) {
    await until(conn, () => conn.closed !== null, 'close');
    return conn.frames.splice(0);
  }
  if (!conn.esphil) {
    // Legacy mode: no in-band delimiter (see the file comment). A switching frame's hello makes it esphil here.
    await until(conn, () => conn.frames.length >= want, `${want} frame(s)`);
    return conn.frames.splice(0, want);
  }
  conn.ws.send(MARKER);
  // An answer queued behind the device's own work (hello after auth) may follow the marker's: wait for both.
  await until(
    conn,
    () => conn.frames.some(isMarker) && conn.frames.filter((f) => !isMarker(f)).length >= want,
    'marker answer',
  );
  return conn.frames.splice(0).filter((f) => !isMarker(f));
}

/** Checks what one connection got against the vector: "" when it matches. */
function judge(
  conn: Conn,
  frames: unknown[],
  want: unknown[],
  close: number | undefined,
  at: string,
): string {
  const m = mismatch(want, frames, 'frames');
  if (m) return `${at}: ${m}`;
  if (close !== undefined && conn.closed !== close) return `${at}: closed ${conn.closed}, expected ${close}`;
  if (close === undefined && conn.closed !== null) return `${at}: closed ${conn.closed} unexpectedly`;
  return '';
}

async function runSteps(base: string, v: ConnectionVector): Promise<string | null> {
  const conns = new Map<number, Conn>();
  try {
    for (const [i, step] of v.steps.entries()) {
      const at = `step ${i}`;
      const e = step.expect;
      const n = step.client ?? 0;
      let conn = conns.get(n);
      if ('connect' in step) {
        const r = await open(new URL(step.connect.url ?? '/', base).href, step.connect.origin);
        if ('status' in r) {
          if (e.refused !== r.status)
            return `${at}: refused with HTTP ${r.status}, expected ${e.refused ?? 'a connection'}`;
          continue;
        }
        conn = r;
        conns.set(n, conn);
        if (e.refused !== undefined) return `${at}: connected, expected HTTP ${e.refused}`;
      } else {
        if (!conn) return `${at}: no connection ${n}`;
        send(conn, step);
      }
      const want = e.frames ?? [];
      const bad = judge(conn, await collect(conn, want.length, e.close), want, e.close, at);
      if (bad) return bad;
      if (e.close !== undefined) conns.delete(n);
      for (const [peer, pc] of conns) {
        if (peer === n) continue;
        const pw = e.peers?.[String(peer)] ?? [];
        const pbad = judge(
          pc,
          await collect(pc, pw.length, undefined),
          pw,
          undefined,
          `${at} (client ${peer})`,
        );
        if (pbad) return pbad;
      }
    }
    return null;
  } finally {
    for (const c of conns.values()) c.ws.terminate();
  }
}

/** The device behind the sim's transport: a frame-level backend (the sim's connection code) or a whole body. */
export type VectorDevice = { backend: DeviceBackendFactory } | { body: DeviceBodyFactory };

/** Runs one vector on a fresh sim bench with the given device; the first failure, or null. */
export async function runConnectionVector(
  device: VectorDevice,
  file: ConnectionVectorFile,
  v: ConnectionVector,
): Promise<string | null> {
  const config = file.configs[v.config];
  if (!config) return `unknown config '${v.config}'`;
  const bench = await startSimBench({ config, ...device, latency: 'zero' });
  try {
    return await runSteps(bench.url, v);
  } catch (err) {
    return String(err);
  } finally {
    await bench.close();
  }
}
