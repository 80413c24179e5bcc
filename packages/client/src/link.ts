import { type HelloMessage, withEsphilMarker } from '@esphil/protocol';
import { decodeDeviceMessage, encodeMessage } from './codec';
import {
  DEVICE_FULL_HINT,
  DeviceClientError,
  HELLO_HINT,
  PROTOCOL_VERSION_HINT,
  SERVER_FULL_HINT,
} from './errors';
import { excerpt } from './events';
import { peekObject } from './peek';
import type { Timers } from './timers';
import type { Transport, TransportFactory, TransportOptions } from './transport';

/** What the client wants to hear from an established link. */
export interface LinkListener {
  message(text: string, binary: boolean): void;
  close(code: number, reason: string): void;
  error(err: DeviceClientError): void;
  activity(): void;
}

type LinkSignal =
  | { k: 'm'; text: string; binary: boolean }
  | { k: 'c'; code: number; reason: string }
  | { k: 'e'; err: DeviceClientError }
  | { k: 'a' };

export interface LinkConfig {
  url: string;
  transport: TransportFactory;
  transportOptions: TransportOptions;
  timers: Timers;
  timeoutMs: number;
  token: string | undefined;
  /** Junk received during the handshake is reported here; it does not fail the handshake by itself. */
  onHandshakeJunk(code: string, message: string, raw: string): void;
}

/** Id of the `auth` request sent during the handshake; regular requests start at 1. */
export const AUTH_REQUEST_ID = 0;

/**
 * One WebSocket connection that completed the esphil handshake (upgrade, optional `auth_required` -> `auth`,
 * `hello`). Traffic arriving before a listener attaches is buffered so nothing sent right after hello is lost.
 */
export class Link {
  readonly transport: Transport;
  readonly hello: HelloMessage;
  #listener: LinkListener | null = null;
  #backlog: LinkSignal[] = [];

  constructor(transport: Transport, hello: HelloMessage) {
    this.transport = transport;
    this.hello = hello;
  }

  attach(listener: LinkListener): void {
    this.#listener = listener;
    const backlog = this.#backlog;
    this.#backlog = [];
    for (const s of backlog) this.#dispatch(s);
  }

  feed(s: LinkSignal): void {
    if (this.#listener) this.#dispatch(s);
    else this.#backlog.push(s);
  }

  #dispatch(s: LinkSignal): void {
    const l = this.#listener!;
    if (s.k === 'm') l.message(s.text, s.binary);
    else if (s.k === 'c') l.close(s.code, s.reason);
    else if (s.k === 'e') l.error(s.err);
    else l.activity();
  }
}

function closeError(code: number, reason: string, url: string, authSent: boolean): DeviceClientError {
  const why = reason ? `: ${reason}` : '';
  if (code === 1008) {
    return new DeviceClientError('unauthorized', `${url} closed the connection with 1008${why}`, {
      hint: authSent
        ? 'the token was refused'
        : 'the device refused this client by policy: a missing/wrong token or an Origin it does not allow',
    });
  }
  if (code === 1013) {
    return new DeviceClientError('server_full', `${url} closed with 1013 (try again later)${why}`, {
      hint: SERVER_FULL_HINT,
    });
  }
  return new DeviceClientError(
    'connect_failed',
    `${url} closed the connection (${code}) before hello${why}`,
    {
      hint: SERVER_FULL_HINT,
    },
  );
}

/** Opens a transport and runs the esphil handshake; resolves with a Link once `hello` arrived. */
export function openLink(cfg: LinkConfig): Promise<Link> {
  return new Promise<Link>((resolve, reject) => {
    let link: Link | null = null;
    let settled = false;
    let failure: DeviceClientError | null = null;
    let authSent = false;
    let transport: Transport | null = null;

    const timer = cfg.timers.setTimeout(() => {
      fail(new DeviceClientError('timeout', `no hello from ${cfg.url} within ${cfg.timeoutMs} ms`));
      transport?.terminate();
    }, cfg.timeoutMs);

    function fail(err: DeviceClientError): void {
      if (settled) return;
      settled = true;
      cfg.timers.clearTimeout(timer);
      reject(err);
    }

    function handshakeMessage(text: string): void {
      const r = decodeDeviceMessage(text);
      if (!r.ok) {
        cfg.onHandshakeJunk(r.error.code, r.error.message, excerpt(text));
        // Waiting for a hello we can read would only end in a timeout: say what is wrong now.
        if (r.error.path === 'proto') {
          fail(new DeviceClientError('protocol', r.error.message, { hint: PROTOCOL_VERSION_HINT }));
          transport?.close(1002, 'unsupported protocol version');
        } else if (peekObject(text)?.t === 'hello') {
          fail(
            new DeviceClientError(
              'protocol',
              `${cfg.url} sent a hello this client cannot read: ${r.error.message}`,
              {
                hint: HELLO_HINT,
              },
            ),
          );
          transport?.close(1002, 'invalid hello');
        }
        return;
      }
      const msg = r.value;
      if (msg.t === 'hello') {
        settled = true;
        cfg.timers.clearTimeout(timer);
        link = new Link(transport!, msg);
        resolve(link);
        return;
      }
      if (msg.t === 'auth_required') {
        if (cfg.token === undefined) {
          fail(
            new DeviceClientError('unauthorized', `${cfg.url} requires a token`, { hint: 'pass { token }' }),
          );
          transport!.close(1000, 'no token');
          return;
        }
        authSent = true;
        transport!.send(encodeMessage({ id: AUTH_REQUEST_ID, op: 'auth', token: cfg.token }));
        return;
      }
      if (msg.t === 'res' && msg.id === null && !msg.ok && msg.error.code === 'busy') {
        // PROTOCOL.md 2.3: a device past websocket.maxClients says so, then closes with 1000.
        fail(
          new DeviceClientError('server_full', `${cfg.url} is full: ${msg.error.msg}`, {
            hint: DEVICE_FULL_HINT,
          }),
        );
        return;
      }
      if (msg.t === 'res' && msg.id === AUTH_REQUEST_ID && authSent) {
        if (!msg.ok) {
          fail(
            new DeviceClientError(msg.error.code, msg.error.msg, {
              op: 'auth',
              hint: 'the device refused the token',
            }),
          );
          transport!.close(1000, 'auth refused');
        }
        return;
      }
      cfg.onHandshakeJunk('unexpected', `unexpected ${msg.t} before hello`, excerpt(text));
    }

    try {
      // The `esphil` query parameter makes this an esphil connection: hello at once, never legacy mode (PROTOCOL.md 2,
      // 9). Errors keep naming the URL the caller gave.
      transport = cfg.transport(withEsphilMarker(cfg.url), cfg.transportOptions, {
        open: () => {},
        message: (text, binary) => {
          if (link) link.feed({ k: 'm', text, binary });
          else if (!settled) handshakeMessage(text);
        },
        error: (err) => {
          if (link) link.feed({ k: 'e', err });
          else failure ??= err;
        },
        activity: () => link?.feed({ k: 'a' }),
        close: (code, reason) => {
          if (link) link.feed({ k: 'c', code, reason });
          else fail(failure ?? closeError(code, reason, cfg.url, authSent));
        },
      });
    } catch (err) {
      fail(
        err instanceof DeviceClientError
          ? err
          : new DeviceClientError('connect_failed', `cannot open ${cfg.url}: ${(err as Error).message}`, {
              cause: err,
            }),
      );
    }
  });
}
