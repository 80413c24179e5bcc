import type { DeviceClientError } from './errors';

/**
 * The one seam between Node (`ws`) and browsers (native WebSocket): everything above it is shared.
 * Contract: `close` is called exactly once per transport; `error` (if any) comes before it and explains it.
 */
export interface TransportHandlers {
  open(protocol: string): void;
  message(data: string, binary: boolean): void;
  close(code: number, reason: string): void;
  error(err: DeviceClientError): void;
  /** Any sign of life below the message layer (pong, server ping). */
  activity(): void;
}

export interface Transport {
  readonly kind: 'node' | 'browser';
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Drops the connection without a closing handshake (dead link). */
  terminate(): void;
  /** WebSocket ping frame; absent in browsers, where the heartbeat uses the app-level `ping` op instead. */
  ping?: () => void;
}

export interface TransportOptions {
  /** Subprotocols to offer; empty = send no Sec-WebSocket-Protocol header. */
  protocols: string[];
  /** Node only: Origin header. Browsers always send the page's origin. */
  origin?: string;
  /** Node only: extra handshake headers. */
  headers?: Record<string, string>;
  /** Largest incoming message; Node enforces it in the parser (closes with 1009), browsers after receipt. */
  maxPayload: number;
}

export type TransportFactory = (
  url: string,
  opts: TransportOptions,
  handlers: TransportHandlers,
) => Transport;

/** Minimal shape of the browser WebSocket constructor (also satisfied by `ws`'s class). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  binaryType: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketCtor = new (url: string, protocols?: string | string[]) => WebSocketLike;
