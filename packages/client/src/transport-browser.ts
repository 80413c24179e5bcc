import { DeviceClientError, SERVER_FULL_HINT } from './errors';
import type { Transport, TransportFactory, WebSocketCtor } from './transport';

const CONNECT_FAILED_HINT =
  'a browser does not reveal why a WebSocket handshake failed: check the URL and that the device is reachable, the ' +
  `token / basic-auth credentials and the page Origin the firmware allows; ${SERVER_FULL_HINT}`;

/** Transport over the browser's native WebSocket (or any constructor with its API). */
export function browserTransport(ctor?: WebSocketCtor): TransportFactory {
  return (url, opts, h) => {
    const Ctor = ctor ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
    if (!Ctor) {
      throw new DeviceClientError('connect_failed', 'no global WebSocket in this environment', {
        hint: 'pass the WebSocket option, or import @esphil/client from Node to use ws',
      });
    }
    const ws = opts.protocols.length > 0 ? new Ctor(url, opts.protocols) : new Ctor(url);
    ws.binaryType = 'arraybuffer';
    let opened = false;
    let closed = false;
    const finish = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      h.close(code, reason);
    };
    ws.onopen = () => {
      opened = true;
      h.open(ws.protocol);
    };
    ws.onmessage = (ev) => {
      const d = ev.data;
      if (typeof d === 'string') h.message(d, false);
      else if (d instanceof ArrayBuffer) h.message(new TextDecoder().decode(d), true);
      else h.message(String(d), true);
    };
    ws.onerror = () => {
      // The close event follows with the only details a browser exposes.
    };
    ws.onclose = (ev) => {
      if (!opened) {
        h.error(
          new DeviceClientError('connect_failed', `WebSocket to ${url} failed (close ${ev.code})`, {
            hint: CONNECT_FAILED_HINT,
          }),
        );
      }
      finish(ev.code, ev.reason);
    };
    const t: Transport = {
      kind: 'browser',
      send: (text) => ws.send(text),
      close: (code, reason) => {
        if (ws.readyState === 0 || ws.readyState === 1) ws.close(code, reason);
      },
      terminate: () => {
        // Browsers cannot drop a socket without the closing handshake; close() and report at once.
        try {
          if (ws.readyState === 0 || ws.readyState === 1) ws.close(4000, 'terminated');
        } finally {
          finish(1006, 'terminated');
        }
      },
    };
    return t;
  };
}
