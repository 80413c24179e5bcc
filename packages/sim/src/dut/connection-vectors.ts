/**
 * Runs device-model's connection vectors (vectors/connection.json: what one WebSocket connection observes)
 * through the sim's transport with a real `ws` client on loopback, so each body behind `WsServer` is held to the
 * same file the firmware core's host test runs. Each step's output is delimited by a marker request sent after it
 * (its answer is the last frame of the step), or by the device's close when the vector expects one.
 */
import type { DeviceConfig } from '@esphil/device-model';
import { mismatch } from '@esphil/device-model';
import WebSocket from 'ws';
import { startSimBench } from '../bench';
import type { DeviceBackendFactory } from './backend';

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

export type ConnectionStep = { expect: ConnectionExpect } & (
  | { connect: { origin?: string } }
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

function open(url: string, origin: string | undefined): Promise<Conn | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin !== undefined ? { origin } : {});
    const conn: Conn = { ws, frames: [], closed: null, changed: () => {} };
    ws.on('message', (data, isBinary) => {
      conn.frames.push(isBinary ? data : parse(data.toString('utf8')));
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

/** The step's frames: up to the device's close, or up to the marker's answer (excluded). */
async function collect(conn: Conn, e: ConnectionExpect, from: number): Promise<unknown[]> {
  const want = e.frames?.length ?? 0;
  if (e.close !== undefined) {
    await until(conn, () => conn.closed !== null, 'close');
    return conn.frames.slice(from);
  }
  conn.ws.send(MARKER);
  // An answer queued behind the device's own work (hello after auth) may follow the marker's: wait for both.
  await until(
    conn,
    () => {
      const got = conn.frames.slice(from);
      return got.some(isMarker) && got.filter((f) => !isMarker(f)).length >= want;
    },
    'marker answer',
  );
  const out = conn.frames.slice(from).filter((f) => !isMarker(f));
  conn.frames.length = 0;
  return out;
}

async function runSteps(url: string, v: ConnectionVector): Promise<string | null> {
  let conn: Conn | null = null;
  try {
    for (const [i, step] of v.steps.entries()) {
      const at = `step ${i}`;
      const e = step.expect;
      if ('connect' in step) {
        const r = await open(url, step.connect.origin);
        if ('status' in r) {
          if (e.refused !== r.status)
            return `${at}: refused with HTTP ${r.status}, expected ${e.refused ?? 'a connection'}`;
          continue;
        }
        conn = r;
        if (e.refused !== undefined) return `${at}: connected, expected HTTP ${e.refused}`;
      } else {
        if (!conn) return `${at}: no connection`;
        send(conn, step);
      }
      const frames = await collect(conn!, e, 0);
      const m = mismatch(e.frames ?? [], frames, 'frames');
      if (m) return `${at}: ${m}`;
      if (e.close !== undefined && conn!.closed !== e.close)
        return `${at}: closed ${conn!.closed}, expected ${e.close}`;
      if (e.close === undefined && conn!.closed !== null) return `${at}: closed ${conn!.closed} unexpectedly`;
      if (e.close !== undefined) conn = null;
    }
    return null;
  } finally {
    conn?.ws.terminate();
  }
}

/** Runs one vector on a fresh sim bench with the given body; the first failure, or null. */
export async function runConnectionVector(
  backend: DeviceBackendFactory,
  file: ConnectionVectorFile,
  v: ConnectionVector,
): Promise<string | null> {
  const config = file.configs[v.config];
  if (!config) return `unknown config '${v.config}'`;
  const bench = await startSimBench({ config, backend, latency: 'zero' });
  try {
    return await runSteps(bench.url, v);
  } catch (err) {
    return String(err);
  } finally {
    await bench.close();
  }
}
