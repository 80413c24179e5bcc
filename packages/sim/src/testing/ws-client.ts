/**
 * Test helper: a plain `ws` client that records every frame and lets a test await the next one matching
 * a predicate. Used by the sim's own tests over real loopback sockets.
 */
import { withEsphilMarker } from '@esphil/protocol';
import WebSocket, { type ClientOptions } from 'ws';

export type Frame = Record<string, unknown> & { t?: string; id?: number | null; seq?: number; ev?: string };

export interface TestClient {
  ws: WebSocket;
  /** Every text frame received, parsed when it is JSON, else `{ text }`. */
  frames: Frame[];
  pings: number;
  next(pred?: (f: Frame) => boolean, what?: string): Promise<Frame>;
  request(op: string, params?: Record<string, unknown>): Promise<Frame>;
  send(obj: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

let nextId = 1;

function parse(text: string): Frame {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Frame;
  } catch {
    // fall through
  }
  return { text };
}

/**
 * Opens `url` as an esphil connection (the `?esphil` marker is added, PROTOCOL.md 2) unless `legacy` is set: then
 * the URL is used as given, as a tutorial page would (legacy mode, PROTOCOL.md 9; use `waitFor: 'open'`).
 */
export function openClient(
  url: string,
  opts: ClientOptions & {
    protocols?: string | string[];
    waitFor?: 'open' | 'hello' | 'none';
    legacy?: boolean;
  } = {},
): Promise<TestClient> {
  const { protocols, waitFor = 'hello', legacy = false, ...wsOpts } = opts;
  const ws = new WebSocket(legacy ? url : withEsphilMarker(url), protocols, wsOpts);
  const frames: Frame[] = [];
  let cursor = 0;
  const waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  const client: TestClient = {
    ws,
    frames,
    pings: 0,
    next(pred = () => true, what = 'frame') {
      for (let i = cursor; i < frames.length; i++) {
        const f = frames[i]!;
        if (pred(f)) {
          cursor = i + 1;
          return Promise.resolve(f);
        }
      }
      return new Promise((resolve, reject) => {
        const w = {
          pred,
          resolve: (f: Frame) => {
            cursor = frames.length;
            resolve(f);
          },
        };
        waiters.push(w);
        void client.closed.then(({ code }) =>
          reject(new Error(`connection closed (${code}) while waiting for ${what}`)),
        );
      });
    },
    async request(op, params = {}) {
      const id = nextId++;
      ws.send(JSON.stringify({ id, op, ...params }));
      return client.next((f) => f.t === 'res' && f.id === id, `response to ${op}`);
    },
    send(obj) {
      ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
    },
    closed: new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    }),
    async close() {
      if (ws.readyState === ws.CLOSED) return;
      ws.close();
      await client.closed;
    },
  };
  ws.on('ping', () => {
    client.pings++;
  });
  ws.on('message', (data, isBinary) => {
    const f = isBinary ? { binary: true } : parse(data.toString());
    frames.push(f);
    for (const w of [...waiters]) {
      if (w.pred(f)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(f);
        break;
      }
    }
  });
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected-response ${res.statusCode}`)));
    ws.once('close', (code) => reject(new Error(`closed (${code}) before ${waitFor}`)));
    if (waitFor === 'none') resolve(client);
    else if (waitFor === 'open') ws.once('open', () => resolve(client));
    else
      ws.once('open', () => {
        client
          .next((f) => f.t === 'hello' || f.t === 'auth_required', 'hello')
          .then(() => resolve(client), reject);
      });
  });
}

/** Connect and expect failure; resolves with the error message or the close code without an open. */
export function expectRefused(url: string, opts: ClientOptions & { protocols?: string | string[] } = {}) {
  const { protocols, ...wsOpts } = opts;
  const ws = new WebSocket(url, protocols, wsOpts);
  return new Promise<{ error?: string; status?: number; opened: boolean }>((resolve) => {
    let opened = false;
    ws.on('open', () => {
      opened = true;
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode, opened });
      ws.terminate();
    });
    ws.on('error', (err) => resolve({ error: err.message, opened }));
    ws.on('close', () => resolve({ opened }));
  });
}
