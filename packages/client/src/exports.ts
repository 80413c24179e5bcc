// Everything both entry points (Node and browser) export besides the transport-bound factories.
export type { BackoffOptions } from './backoff';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff';
export type { ClientOptions, ClientStatus, ParamsOf, RequestOptions } from './client';
export {
  CLOSE_GRACE_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_MAX_PROTOCOL_ERRORS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DeviceClient,
} from './client';
export type { ClientErrorCode, DeviceClientErrorCode } from './errors';
export { DeviceClientError, isDeviceClientError } from './errors';
export type { EventStreamOptions } from './event-stream';
export { DEFAULT_EVENT_BUFFER, EventStream } from './event-stream';
export type { ClientEvent, ClientEventKind, ClientEventOf, MissedSummary, StateChange } from './events';
export { EXCERPT_CHARS } from './events';
export type {
  DeviceStatusInfo,
  Fleet,
  FleetDevice,
  FleetEvent,
  FleetEventKind,
  FleetEventOf,
  FleetOptions,
  FleetReadyReport,
} from './fleet';
export { DEFAULT_CONNECT_CONCURRENCY } from './fleet';
export type { HeartbeatOptions } from './heartbeat';
export { DEFAULT_HEARTBEAT } from './heartbeat';
export type { LegacyClient, LegacyOptions } from './legacy';
export type { Timers } from './timers';
export type {
  Transport,
  TransportFactory,
  TransportHandlers,
  TransportOptions,
  WebSocketCtor,
  WebSocketLike,
} from './transport';
