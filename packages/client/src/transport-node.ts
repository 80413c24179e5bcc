import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { DeviceClientError, SERVER_FULL_HINT, SUBPROTOCOL_HINT } from './errors';
import type { Transport, TransportFactory } from './transport';

const MALFORMED_401_HINT =
  'arduinoWebSockets answers a failed basic-auth with a malformed 401 (no blank line before the body), which Node ' +
  'reports as an HTTP parse error; check the user:password in the URL or the token';

interface NodeError extends Error {
  code?: string;
}

/** Maps `ws` handshake/transport failures to the client's stable codes. */
export function mapNodeError(err: NodeError, opened: boolean, url: string): DeviceClientError {
  const msg = err.message ?? String(err);
  if (msg.includes('invalid subprotocol') || msg.includes('Server sent a subprotocol')) {
    return new DeviceClientError('protocol', `subprotocol mismatch: ${msg}`, {
      hint: SUBPROTOCOL_HINT,
      cause: err,
    });
  }
  if (err.code === 'HPE_INVALID_HEADER_TOKEN' || msg.includes('Parse Error')) {
    return new DeviceClientError(
      'unauthorized',
      `handshake answer could not be parsed (${err.code ?? msg})`,
      {
        hint: MALFORMED_401_HINT,
        cause: err,
      },
    );
  }
  if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
    return new DeviceClientError('too_large', msg, { cause: err });
  }
  if (!opened && (msg.includes('socket hang up') || err.code === 'ECONNRESET')) {
    return new DeviceClientError('server_full', `${url} dropped the connection before the handshake answer`, {
      hint: SERVER_FULL_HINT,
      cause: err,
    });
  }
  if (!opened) {
    return new DeviceClientError('connect_failed', `cannot connect to ${url}: ${msg}`, { cause: err });
  }
  return new DeviceClientError('protocol', msg, { cause: err });
}

/**
 * arduinoWebSockets answers 400 when the firmware's header validator refuses the upgrade (not 403: shared/reference/
 * arduinowebsockets-facts.md §2, S.cpp:790, S.h:141-149); esphil's validator refuses
 * only an Origin outside `websocket.allowedOrigins` (PROTOCOL.md 2.3), and this client's upgrade is otherwise valid.
 */
export const ORIGIN_REFUSED_HINT =
  "the device refused this client's Origin header: add the origin to the device config's websocket.allowedOrigins, " +
  'or connect without an Origin (native clients send none)';

function mapStatus(status: number, url: string): DeviceClientError {
  if (status === 400) {
    return new DeviceClientError('unauthorized', `${url} refused the upgrade with HTTP 400`, {
      hint: ORIGIN_REFUSED_HINT,
    });
  }
  if (status === 401 || status === 403) {
    return new DeviceClientError('unauthorized', `${url} refused the handshake with HTTP ${status}`, {
      hint: 'check the credentials and the Origin the firmware allows',
    });
  }
  if (status === 503) {
    return new DeviceClientError('server_full', `${url} answered HTTP 503`, { hint: SERVER_FULL_HINT });
  }
  return new DeviceClientError('connect_failed', `${url} answered HTTP ${status} instead of upgrading`);
}

export interface NodeTransportOptions {
  /** A `ws`-compatible WebSocket class (default: ws's). */
  WebSocket?: typeof WebSocket;
}

/** Transport over `ws` for Node: real ping frames, Origin and extra headers, parser-level maxPayload. */
export function nodeTransport(nodeOpts: NodeTransportOptions = {}): TransportFactory {
  const Ctor = nodeOpts.WebSocket ?? WebSocket;
  return (url, opts, h) => {
    let opened = false;
    let firstError: DeviceClientError | null = null;
    const reportError = (e: DeviceClientError) => {
      if (firstError) return;
      firstError = e;
      h.error(e);
    };
    const ws = new Ctor(url, opts.protocols, {
      maxPayload: opts.maxPayload,
      perMessageDeflate: false,
      ...(opts.origin !== undefined ? { origin: opts.origin } : {}),
      ...(opts.headers ? { headers: opts.headers } : {}),
    });
    ws.on('open', () => {
      opened = true;
      h.open(ws.protocol);
    });
    ws.on('message', (data, isBinary) => {
      // ws hands over a Buffer (its default binaryType); only a custom WebSocket class may give the other shapes.
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Array.isArray(data)
          ? Buffer.concat(data).toString('utf8')
          : Buffer.from(data as ArrayBuffer).toString('utf8');
      h.message(text, isBinary);
    });
    ws.on('pong', () => h.activity());
    ws.on('ping', () => h.activity());
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      reportError(mapStatus(res.statusCode ?? 0, url));
      res.resume();
      // terminate() aborts the pending handshake and makes ws emit 'close' (req.destroy() alone would not).
      ws.terminate();
    });
    ws.on('error', (err: NodeError) => reportError(mapNodeError(err, opened, url)));
    ws.on('close', (code, reason) => h.close(code, reason.toString('utf8')));
    return {
      kind: 'node',
      send: (text) => ws.send(text),
      close: (code, reason) => ws.close(code, reason),
      terminate: () => ws.terminate(),
      ping: () => {
        if (ws.readyState === WebSocket.OPEN) ws.ping();
      },
    } satisfies Transport;
  };
}
